// The inner loop of the FP4 x f32 GEMV (docs/Lowering.md, "Vector
// targets"): per K row, the product table (16 FP4 values times the
// activation, one vmulps) read at each code by a permute, and one add per
// product into the reference order's partial sums. Two forms of the
// lookup, from L1 (32 rows of 64 bytes, 128 codes each), no memory traffic:
// * bytes: the codes widened to dwords (vpmovzxbd), low and high nibbles
//   split (and, shift), one vpermps each (MX's kernel);
// * dwords: one 64-byte load, vpermps reading each dword's low four bits
//   after shifts by 4j (no widening, no masks).
// Both run at the same rate on the Zen 4 of docs/Benchmarks.md: the zmm
// permute and the adds bound the loop, not the code unpacking.
//
//   cc -O3 -march=native bench/decode-probe/fp4-lookup.c -o /tmp/fp4-lookup
//   /tmp/fp4-lookup

#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { ROWS = 32, ROW_BYTES = 64 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

#define ADD(i, idx) s##i = _mm512_add_ps(s##i, _mm512_permutexvar_ps(idx, t))

__attribute__((noinline)) static void bytes(const uint8_t *w, const float *a,
                                            __m512 table, __m512 *acc,
                                            long steps) {
  __m512 s0 = acc[0], s1 = acc[1], s2 = acc[2], s3 = acc[3], s4 = acc[4],
         s5 = acc[5], s6 = acc[6], s7 = acc[7];
  __m512i low = _mm512_set1_epi32(15);
  for (long k = 0; k < steps; ++k) {
    __m512 t = _mm512_mul_ps(table, _mm512_set1_ps(a[k % ROWS]));
    const uint8_t *p = w + (k % ROWS) * ROW_BYTES;
    __m512i b0 = _mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)p));
    __m512i b1 = _mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)(p + 16)));
    __m512i b2 = _mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)(p + 32)));
    __m512i b3 = _mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)(p + 48)));
    ADD(0, _mm512_and_si512(b0, low));
    ADD(1, _mm512_srli_epi32(b0, 4));
    ADD(2, _mm512_and_si512(b1, low));
    ADD(3, _mm512_srli_epi32(b1, 4));
    ADD(4, _mm512_and_si512(b2, low));
    ADD(5, _mm512_srli_epi32(b2, 4));
    ADD(6, _mm512_and_si512(b3, low));
    ADD(7, _mm512_srli_epi32(b3, 4));
  }
  acc[0] = s0, acc[1] = s1, acc[2] = s2, acc[3] = s3;
  acc[4] = s4, acc[5] = s5, acc[6] = s6, acc[7] = s7;
}

__attribute__((noinline)) static void dwords(const uint8_t *w, const float *a,
                                             __m512 table, __m512 *acc,
                                             long steps) {
  __m512 s0 = acc[0], s1 = acc[1], s2 = acc[2], s3 = acc[3], s4 = acc[4],
         s5 = acc[5], s6 = acc[6], s7 = acc[7];
  for (long k = 0; k < steps; ++k) {
    __m512 t = _mm512_mul_ps(table, _mm512_set1_ps(a[k % ROWS]));
    __m512i b = _mm512_loadu_si512((const void *)(w + (k % ROWS) * ROW_BYTES));
    ADD(0, b);
    ADD(1, _mm512_srli_epi32(b, 4));
    ADD(2, _mm512_srli_epi32(b, 8));
    ADD(3, _mm512_srli_epi32(b, 12));
    ADD(4, _mm512_srli_epi32(b, 16));
    ADD(5, _mm512_srli_epi32(b, 20));
    ADD(6, _mm512_srli_epi32(b, 24));
    ADD(7, _mm512_srli_epi32(b, 28));
  }
  acc[0] = s0, acc[1] = s1, acc[2] = s2, acc[3] = s3;
  acc[4] = s4, acc[5] = s5, acc[6] = s6, acc[7] = s7;
}

int main(void) {
  uint8_t *w = aligned_alloc(64, ROWS * ROW_BYTES);
  for (int i = 0; i < ROWS * ROW_BYTES; ++i)
    w[i] = (uint8_t)rand();
  float a[ROWS];
  for (int i = 0; i < ROWS; ++i)
    a[i] = 0.1f * i;
  __m512 acc[8];
  for (int i = 0; i < 8; ++i)
    acc[i] = _mm512_setzero_ps();
  __m512 table = _mm512_set_ps(-6, -4, -3, -2, -1.5f, -1, -0.5f, -0, 6, 4, 3,
                               2, 1.5f, 1, 0.5f, 0);
  const long steps = 100000000;
  for (int round = 0; round < 3; ++round) {
    double t0 = now();
    bytes(w, a, table, acc, steps);
    double t1 = now();
    dwords(w, a, table, acc, steps);
    double t2 = now();
    printf("products/ns: bytes %.2f, dwords %.2f\n",
           128.0 * steps / ((t1 - t0) * 1e9),
           128.0 * steps / ((t2 - t1) * 1e9));
  }
  float sum = 0;
  for (int i = 0; i < 8; ++i)
    sum += _mm512_reduce_add_ps(acc[i]);
  printf("(checksum %g)\n", sum);
  return 0;
}
