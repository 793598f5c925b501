import jax

# Only torchlike's own promotion table may decide a result dtype.
jax.config.update("jax_numpy_dtype_promotion", "strict")
