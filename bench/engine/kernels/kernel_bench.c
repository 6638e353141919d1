// Single-thread GB/s of the Q4_1 and Q8_0 matrix-vector kernels on the default model's shapes.
//
// Build and run (from the repository root):
//   clang -O3 -ISources/CKernels/include -ISources/CKernels bench/engine/kernels/kernel_bench.c \
//       Sources/CKernels/kernels_avx2.c -o /tmp/kernel_bench && /tmp/kernel_bench
// Bytes counted are the re-laid-out weights read per product (quants + fp16 scales/minimums);
// activations are tiny and stay in L1. Reports the median of interleaved rounds.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bloom_kernels.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct {
    const char *name;
    int q4;
    int rows, columns;
    bloom_block_matrix m;
    double bytes;
} shape;

static void make(shape *s) {
    const long blocks = (long)s->rows * (s->columns / 32);
    const int quant_bytes = s->q4 ? 16 : 32;
    uint16_t *scales = aligned_alloc(64, blocks * 2 + 64);
    uint16_t *mins = aligned_alloc(64, blocks * 2 + 64);
    uint8_t *quants = aligned_alloc(64, blocks * quant_bytes);
    for (long i = 0; i < blocks; i++) {
        scales[i] = 0x2000 + (rand() & 0x3FF);  // small positive fp16
        mins[i] = 0xA000 + (rand() & 0x3FF);
    }
    for (long i = 0; i < blocks * quant_bytes; i++) quants[i] = s->q4 ? rand() : (rand() % 255) - 127;
    s->m = (bloom_block_matrix){s->columns / 32, scales, s->q4 ? mins : NULL, quants};
    s->bytes = blocks * (quant_bytes + (s->q4 ? 4.0 : 2.0));
}

int main(void) {
    shape shapes[] = {
        {"Q4_1 1536x576", 1, 1536, 576},
        {"Q4_1 576x1536", 1, 576, 1536},
        {"Q8_0 49152x576", 0, 49152, 576},
    };
    const int count = sizeof shapes / sizeof shapes[0];
    for (int i = 0; i < count; i++) make(&shapes[i]);

    float x[1536], out[49152];
    for (int i = 0; i < 1536; i++) x[i] = (float)(rand() % 1000) / 1000.0f - 0.5f;
    bloom_q8_vectors q = {malloc(48 * 4), malloc(48 * 4), aligned_alloc(64, 1536)};
    bloom_quantize_q8_avx2(x, 1536, q, 0);

    enum { ROUNDS = 15 };
    double rates[3][ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < count; i++) {
            shape *s = &shapes[i];
            const int reps = s->q4 ? 400 : 10;
            const double start = now();
            for (int k = 0; k < reps; k++) {
                if (s->q4) bloom_q4_1_rows_avx2(s->m, q, 1, 0, s->rows, out, 0);
                else bloom_q8_0_rows_avx2(s->m, q, 1, 0, s->rows, out, 0);
            }
            rates[i][round] = s->bytes * reps / (now() - start) / 1e9;
        }
    }
    for (int i = 0; i < count; i++) {
        // Insertion sort the rounds, skipping the first (cold) one, and print the median.
        double *r = rates[i] + 1;
        for (int a = 1; a < ROUNDS - 1; a++)
            for (int b = a; b > 0 && r[b] < r[b - 1]; b--) { double t = r[b]; r[b] = r[b - 1]; r[b - 1] = t; }
        printf("%-16s %6.1f GB/s (min %.1f, max %.1f)  checksum %g\n", shapes[i].name, r[(ROUNDS - 1) / 2], r[0],
               r[ROUNDS - 2], out[7]);
    }
    return 0;
}
