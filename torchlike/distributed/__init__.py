"""torch.distributed: one process per device, collectives through XLA. Mirrors `torch.distributed`."""
from .distributed_c10d import (Backend, GroupMember, ProcessGroup, ReduceOp, Work, all_gather,  # noqa: F401
                               all_gather_into_tensor, all_gather_object, all_reduce, all_to_all_single, barrier,
                               broadcast, get_process_group_ranks,
                               broadcast_object_list, destroy_process_group, gather, get_backend, get_rank,
                               get_world_size, group, init_process_group, irecv, is_available, is_gloo_available,
                               is_initialized, is_mpi_available, is_nccl_available, is_torchelastic_launched, isend,
                               new_group, recv, reduce, reduce_scatter, reduce_scatter_tensor, scatter, send)
