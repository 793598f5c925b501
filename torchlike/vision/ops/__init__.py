"""torchlike.vision.ops: torchvision.ops's box and region operators (`import torchvision.ops` under the
alias): nms and the box utilities, the IoU losses, sigmoid_focal_loss, roi_align / roi_pool and their
position-sensitive forms."""
from .boxes import (  # noqa: F401
    batched_nms,
    box_area,
    box_convert,
    box_iou,
    clip_boxes_to_image,
    complete_box_iou,
    distance_box_iou,
    generalized_box_iou,
    masks_to_boxes,
    nms,
    remove_small_boxes,
)
from .drop_block import DropBlock2d, DropBlock3d, drop_block2d, drop_block3d  # noqa: F401
from .losses import (  # noqa: F401
    complete_box_iou_loss,
    distance_box_iou_loss,
    generalized_box_iou_loss,
    sigmoid_focal_loss,
)
from .poolers import MultiScaleRoIAlign  # noqa: F401
from .ps_roi_align import PSRoIAlign, ps_roi_align  # noqa: F401
from .ps_roi_pool import PSRoIPool, ps_roi_pool  # noqa: F401
from .roi_align import RoIAlign, roi_align  # noqa: F401
from .roi_pool import RoIPool, roi_pool  # noqa: F401

# The layers below live in misc.py and stochastic_depth.py, which are added separately: the package
# imports without them until then (this guard goes once both are in place).
try:
    from .misc import (  # noqa: F401
        MLP,
        Conv2dNormActivation,
        Conv3dNormActivation,
        FrozenBatchNorm2d,
        Permute,
        SqueezeExcitation,
    )
except ModuleNotFoundError as e:
    if e.name != __name__ + ".misc":
        raise
try:
    from .stochastic_depth import StochasticDepth, stochastic_depth  # noqa: F401
except ModuleNotFoundError as e:
    if e.name != __name__ + ".stochastic_depth":
        raise
