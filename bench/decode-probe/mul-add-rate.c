// The arithmetic of the batched kernel's k loop with f32 activations
// (docs/Lowering.md, "Batched matmul"), alone and from L1: per k step, an
// 8-row by 32-column tile broadcasts 8 activations and does 16 zmm
// multiplies and 16 zmm adds (the reference order rounds each product, so
// no FMA). Three loops, cycles per k step at a nominal clock given on the
// command line (the machine's, e.g. from a dependent-add loop):
// * mul+add: the kernel's 16 vmulps + 16 vaddps and 8 broadcasts;
// * mul+add+decode: the same with the FP4 decode of the codes (widen,
//   mask, shift, two vpermps), i.e. the whole k loop;
// * fma: 16 vfmadd231ps and 8 broadcasts, what the loop would cost if an
//   FMA were exact here (it is not; the floor it would move to).
//
//   cc -O3 -march=native -ffp-contract=off bench/decode-probe/mul-add-rate.c \
//     -o /tmp/mul-add
//   /tmp/mul-add 3.6
//
// -ffp-contract=off matters: GCC's default contracts the multiply and add
// into an FMA, and the first loop then times the third. The sums are
// printed so that the compiler keeps the loops.

#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { ROWS = 8, K = 32, STEPS = 20000000 };

static float act[ROWS * K] __attribute__((aligned(64)));
static uint8_t codes[K * 16] __attribute__((aligned(64)));

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static float total(const __m512 *acc) {
  __m512 s = acc[0];
  for (int i = 1; i < 2 * ROWS; ++i)
    s = _mm512_add_ps(s, acc[i]);
  return _mm512_reduce_add_ps(s);
}

enum Form { MulAdd, MulAddDecode, Fma };

__attribute__((noinline)) static float run(enum Form form, __m512 table) {
  __m512 acc[2 * ROWS];
  for (int i = 0; i < 2 * ROWS; ++i)
    acc[i] = _mm512_setzero_ps();
  __m512 even = _mm512_set1_ps(1.5f), odd = _mm512_set1_ps(0.5f);
  __m512i low = _mm512_set1_epi32(15);
  for (long i = 0; i < STEPS; ++i) {
    int k = (int)(i % K);
    if (form == MulAddDecode) {
      __m512i c = _mm512_cvtepu8_epi32(
          _mm_load_si128((const __m128i *)(codes + 16 * k)));
      even = _mm512_permutexvar_ps(_mm512_and_si512(c, low), table);
      odd = _mm512_permutexvar_ps(_mm512_srli_epi32(c, 4), table);
    }
    for (int r = 0; r < ROWS; ++r) {
      __m512 a = _mm512_set1_ps(act[r * K + k]);
      if (form == Fma) {
        acc[2 * r] = _mm512_fmadd_ps(a, even, acc[2 * r]);
        acc[2 * r + 1] = _mm512_fmadd_ps(a, odd, acc[2 * r + 1]);
      } else {
        acc[2 * r] = _mm512_add_ps(acc[2 * r], _mm512_mul_ps(a, even));
        acc[2 * r + 1] = _mm512_add_ps(acc[2 * r + 1], _mm512_mul_ps(a, odd));
      }
    }
  }
  return total(acc);
}

int main(int argc, char **argv) {
  double ghz = argc > 1 ? atof(argv[1]) : 3.6;
  for (int i = 0; i < ROWS * K; ++i)
    act[i] = 1.0f / (float)(i + 1);
  for (int i = 0; i < K * 16; ++i)
    codes[i] = (uint8_t)(i * 37);
  __m512 table = _mm512_set_ps(-6, -4, -3, -2, -1.5f, -1, -0.5f, -0.0f, 6, 4,
                               3, 2, 1.5f, 1, 0.5f, 0);
  const char *names[] = {"mul+add", "mul+add+decode", "fma"};
  for (int round = 0; round < 2; ++round)
    for (int f = MulAdd; f <= Fma; ++f) {
      double t0 = now();
      float s = run((enum Form)f, table);
      double t1 = now();
      printf("%-16s %6.2f cycles per k step at %.2f GHz (sum %g)\n", names[f],
             (t1 - t0) * ghz * 1e9 / STEPS, ghz, s);
    }
  return 0;
}
