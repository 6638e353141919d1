// Attention kernels over a half-precision KV cache (F16C converts eight values per instruction;
// Swift without a CPU flag converts one at a time through integer arithmetic).
#ifndef BLOOM_ATTENTION_H
#define BLOOM_ATTENTION_H

#include <stdint.h>

/// Rounds `count` floats to IEEE half precision.
void bloom_to_half_avx2(const float *x, uint16_t *out, int count);
/// out[i] = float(half(x[i])): the rounding llama.cpp applies to queries before fp16 products.
void bloom_round_through_half_avx2(const float *x, float *out, int count);
/// Σ half(k[i]) × q[i].
float bloom_dot_half_avx2(const uint16_t *k, const float *q, int count);
/// out[i] += weight × half(v[i]).
void bloom_add_scaled_half_avx2(float weight, const uint16_t *v, float *out, int count);

#endif
