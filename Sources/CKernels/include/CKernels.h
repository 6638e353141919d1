// Umbrella header of our C kernels.
#include "bloom_kernels.h"
#include "bloom_attention.h"
#include "bloom_vnni.h"
