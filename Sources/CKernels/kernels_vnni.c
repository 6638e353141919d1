// The Q4_1 and Q8_0 row products with AVX-512 VNNI on 256-bit registers: vpdpbusd multiplies
// unsigned by signed bytes and adds groups of four into 32-bit lanes in one instruction, where
// AVX2 needs vpmaddubsw + vpmaddwd. The loop structure is the AVX2 one (kernels_blocks.h); with
// AVX-512VL the compiler has 32 vector registers, so Q8_0 also runs four rows at a time.
#include "bloom_vnni.h"

#if defined(__x86_64__)
#include "kernels_common.h"

#define VNNI __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512vnni")))
#define VNNI_INLINE __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512vnni"), always_inline)) static inline

int bloom_cpu_has_avx512_vnni(void) {
    __builtin_cpu_init();
    return bloom_cpu_has_avx2() && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl");
}

#define BLOCKS_INLINE VNNI_INLINE
#define BLOCKS_DOT_U8_I8(u, s) _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s)
#define BLOCKS_DOT2_U8_I8(u1, s1, u2, s2) _mm256_dpbusd_epi32(_mm256_dpbusd_epi32(_mm256_setzero_si256(), u1, s1), u2, s2)
#define BLOCKS_NAME(name) vnni_##name
#include "kernels_blocks.h"

VNNI void bloom_q4_1_rows_vnni(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    vnni_block_rows(FORMAT_Q4_1, 4, m, x, vectors, row_begin, row_end, out, out_stride);
}

VNNI void bloom_q8_0_rows_vnni(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride
) {
    vnni_block_rows(FORMAT_Q8_0, 4, m, x, vectors, row_begin, row_end, out, out_stride);
}

#else

int bloom_cpu_has_avx512_vnni(void) { return 0; }
void bloom_q4_1_rows_vnni(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride) {}
void bloom_q8_0_rows_vnni(
    bloom_block_matrix m, bloom_q8_vectors x, int vectors, int row_begin, int row_end, float *out, long out_stride) {}

#endif
