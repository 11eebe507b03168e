// The f32 GEMV's k loop over 32 E4M3 weight columns (docs/Lowering.md,
// "FP8 weights by bits"), alone and from L1 (256 rows of 64 bytes), in
// cycles per k step (32 codes) at a nominal clock given on the command line;
// consecutive k rows sum into separate accumulators, as the kernel's k
// unroll does, so that the adds' latency does not bound the loop:
// * half: the f16 route (sign-extend, shift, mask, the NaN rewrite, two
//   vcvtph2ps per 16 codes), products and sums, activations folded by 2^8;
// * bits mul+add: the bit decode (byte unpacks, shift, mask, word unpacks),
//   vmulps and vaddps, with the NaN codes' maximum;
// * bits fma0+add: the same with each product a fused multiply-add of +0;
// * bits fma: one fused multiply-add per vector (exact products).
// Each runs on random codes (about 1 in 18 a subnormal, whose bit-decoded
// value is an f32 subnormal) and on codes without subnormals: the same
// on Zen 1, some 15 times slower by bits on an Intel Xeon (a microcode
// assist per subnormal input; docs/Benchmarks.md, "FP8 weights by bits on
// Intel").
//
//   cc -O2 -mavx2 -mfma -mf16c bench/decode-probe/fp8-bits.c -o /tmp/fp8-bits
//   /tmp/fp8-bits 2.49
//
// The sums are printed so that the compiler keeps the loops.
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { Rows = 256, Stride = 64, Block = 32, Blocks = 1 << 16 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef __m256 (*Product)(__m256 a, __m256 w, __m256 acc);
static __m256 mulAdd(__m256 a, __m256 w, __m256 acc) {
  return _mm256_add_ps(acc, _mm256_mul_ps(a, w));
}
static __m256 fma0Add(__m256 a, __m256 w, __m256 acc) {
  __m256 zero = _mm256_setzero_ps();
  __asm__("" : "+x"(zero)); // keep the +0 addend
  return _mm256_add_ps(acc, _mm256_fmadd_ps(a, w, zero));
}
static __m256 fused(__m256 a, __m256 w, __m256 acc) {
  return _mm256_fmadd_ps(a, w, acc);
}

static float sum(__m256 *acc) {
  float t[8], s = 0;
  for (int j = 0; j < 8; ++j) {
    _mm256_storeu_ps(t, acc[j]);
    for (int l = 0; l < 8; ++l)
      s += t[l];
  }
  return s;
}

static float half(const uint8_t *w, const float *a8) {
  __m256 accs[8];
  for (int j = 0; j < 8; ++j)
    accs[j] = _mm256_setzero_ps();
  const __m256i fields = _mm256_set1_epi16((short)0xBFFF);
  const __m128i mag = _mm_set1_epi8(0x7f);
  const __m256i nanFix = _mm256_set1_epi16(0x7e00 ^ 0x3f80);
  for (int b = 0; b < Blocks; ++b)
    for (int k = 0; k < Block; ++k) {
      const uint8_t *p = w + (size_t)((b * Block + k) % Rows) * Stride;
      __m256 av = _mm256_set1_ps(a8[k]);
      __m256 *acc = accs + 4 * (k & 1);
      for (int h = 0; h < 2; ++h) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * h));
        __m256i v = _mm256_and_si256(
            _mm256_slli_epi16(_mm256_cvtepi8_epi16(x), 7), fields);
        __m256i isNaN = _mm256_cvtepi8_epi16(
            _mm_cmpeq_epi8(_mm_and_si128(x, mag), mag));
        v = _mm256_blendv_epi8(v, _mm256_xor_si256(v, nanFix), isNaN);
        __m256 lo = _mm256_cvtph_ps(_mm256_castsi256_si128(v));
        __m256 hi = _mm256_cvtph_ps(_mm256_extracti128_si256(v, 1));
        acc[2 * h] = mulAdd(av, lo, acc[2 * h]);
        acc[2 * h + 1] = mulAdd(av, hi, acc[2 * h + 1]);
      }
    }
  return sum(accs);
}

static inline __attribute__((always_inline)) float
bits(const uint8_t *w, const float *a, Product product) {
  __m256 accs[8];
  for (int j = 0; j < 8; ++j)
    accs[j] = _mm256_setzero_ps();
  const __m256i fields = _mm256_set1_epi16((short)0x87f0);
  const __m256i zero = _mm256_setzero_si256();
  const __m256i sign = _mm256_set1_epi8((char)0x80);
  const __m256i ones = _mm256_set1_epi8((char)0xff);
  __m256i nanCodes = zero;
  for (int b = 0; b < Blocks; ++b)
    for (int k = 0; k < Block; ++k) {
      const uint8_t *p = w + (size_t)((b * Block + k) % Rows) * Stride;
      __m256 av = _mm256_set1_ps(a[k]);
      __m256 *acc = accs + 4 * (k & 1);
      __m256i x = _mm256_loadu_si256((const __m256i *)p);
      __m256i isNaN = _mm256_cmpeq_epi8(_mm256_or_si256(x, sign), ones);
      nanCodes = _mm256_max_epu8(nanCodes, _mm256_and_si256(isNaN, x));
      __m256i lo = _mm256_and_si256(
          _mm256_srai_epi16(_mm256_unpacklo_epi8(zero, x), 4), fields);
      __m256i hi = _mm256_and_si256(
          _mm256_srai_epi16(_mm256_unpackhi_epi8(zero, x), 4), fields);
      __m256i d[4] = {_mm256_unpacklo_epi16(zero, lo),
                      _mm256_unpackhi_epi16(zero, lo),
                      _mm256_unpacklo_epi16(zero, hi),
                      _mm256_unpackhi_epi16(zero, hi)};
      for (int j = 0; j < 4; ++j)
        acc[j] = product(av, _mm256_castsi256_ps(d[j]), acc[j]);
    }
  uint8_t t[32];
  _mm256_storeu_si256((__m256i *)t, nanCodes);
  return sum(accs) + t[0];
}

int main(int argc, char **argv) {
  double ghz = argc > 1 ? atof(argv[1]) : 2.5;
  uint8_t *w = aligned_alloc(64, Rows * Stride);
  float a[Block], a8[Block]; // times each route's fold
  for (int i = 0; i < Block; ++i) {
    a[i] = (1.0f + i * 0.01f) * 0x1p120f;
    a8[i] = (1.0f + i * 0.01f) * 0x1p8f;
  }
  for (int normal = 0; normal < 2; ++normal) {
    srand(1);
    for (int i = 0; i < Rows * Stride; ++i) {
      int c = rand() & 0xff;
      if ((c & 0x7f) == 0x7f)
        c ^= 1; // no NaN codes, as real weights
      if (normal && (c & 0x78) == 0)
        c |= 0x08; // no subnormal (or zero) codes
      w[i] = (uint8_t)c;
    }
    printf("%s codes:\n", normal ? "no subnormal" : "random");
    const char *names[] = {"half", "bits mul+add", "bits fma0+add",
                           "bits fma"};
    for (int f = 0; f < 4; ++f) {
      double best = 1e9;
      float s = 0;
      for (int r = 0; r < 5; ++r) {
        double t = now();
        s += f == 0   ? half(w, a8)
             : f == 1 ? bits(w, a, mulAdd)
             : f == 2 ? bits(w, a, fma0Add)
                      : bits(w, a, fused);
        t = now() - t;
        if (t < best)
          best = t;
      }
      printf("  %-14s %6.2f cycles per k step (sum %g)\n", names[f],
             best * ghz * 1e9 / ((double)Blocks * Block), s);
    }
  }
  return 0;
}
