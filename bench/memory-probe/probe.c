// Read-only memory probe: how fast one or two threads can read a GEMV's
// weights from DRAM in two orders, with nothing else to compute.
//
//   cc -O2 -mavx2 -pthread bench/memory-probe/probe.c -o /tmp/probe
//   /tmp/probe THREADS [DISTANCE]
//
// Matrices of [4096 x 7168] bytes (an MXFP4 4096 x 14336 weight's codes)
// fill >= 1 GiB and are read once each per pass, best of 5 passes:
// * sequential: each thread reads its half of every matrix front to back;
// * gemv: the order of MX's decode GEMV (docs/Lowering.md, "Loop order"):
//   per K block of 32 rows, per 32-byte chunk of the thread's columns, the
//   32 rows (7 KiB apart), each prefetched DISTANCE chunks ahead into L2
//   (prefetcht1; default 8, 0: none).
// The loads are summed so that the compiler keeps them. Figures in
// docs/Benchmarks.md ("Fifth run").
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { K = 4096, ROW = 7168, BLOCK = 32, CHUNK = 32 };
static const size_t kMat = (size_t)K * ROW;
static unsigned char *buf;
static int numMats, threads, distance = 8, gemvOrder;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

struct Arg {
  int t;
  __m256i sum;
};

static void *work(void *p) {
  struct Arg *a = p;
  __m256i acc = _mm256_setzero_si256();
  for (int m = 0; m < numMats; ++m) {
    const unsigned char *w = buf + (size_t)m * kMat;
    if (!gemvOrder) {
      size_t lo = kMat * a->t / threads, hi = kMat * (a->t + 1) / threads;
      for (size_t i = lo; i < hi; i += CHUNK)
        acc = _mm256_add_epi8(acc, _mm256_load_si256((const __m256i *)(w + i)));
      continue;
    }
    size_t c0 = ROW * a->t / threads, c1 = ROW * (a->t + 1) / threads;
    for (size_t kb = 0; kb < K; kb += BLOCK)
      for (size_t c = c0; c < c1; c += CHUNK)
        for (int r = 0; r < BLOCK; ++r) {
          const unsigned char *row = w + (kb + r) * ROW;
          if (distance && c + distance * CHUNK < c1)
            _mm_prefetch((const char *)row + c + distance * CHUNK, _MM_HINT_T1);
          acc = _mm256_add_epi8(acc,
                                _mm256_load_si256((const __m256i *)(row + c)));
        }
  }
  a->sum = acc;
  return NULL;
}

static double pass(void) {
  pthread_t th[2];
  struct Arg a[2];
  double t0 = now();
  for (int t = 0; t < threads; ++t) {
    a[t].t = t;
    pthread_create(&th[t], NULL, work, &a[t]);
  }
  for (int t = 0; t < threads; ++t)
    pthread_join(th[t], NULL);
  return now() - t0;
}

int main(int argc, char **argv) {
  if (argc < 2 || (threads = atoi(argv[1])) < 1 || threads > 2) {
    fprintf(stderr, "usage: probe THREADS(1|2) [DISTANCE]\n");
    return 1;
  }
  if (argc > 2)
    distance = atoi(argv[2]);
  numMats = (int)((1ull << 30) / kMat) + 1;
  buf = aligned_alloc(64, (size_t)numMats * kMat);
  if (!buf)
    return fprintf(stderr, "out of memory\n"), 1;
  memset(buf, 1, (size_t)numMats * kMat);
  for (gemvOrder = 0; gemvOrder < 2; ++gemvOrder) {
    double best = 1e9;
    for (int r = 0; r < 5; ++r) {
      double s = pass();
      best = s < best ? s : best;
    }
    printf("%-10s %d thread(s)%s: %.2f GB/s\n",
           gemvOrder ? "gemv" : "sequential", threads,
           gemvOrder ? (distance ? ", prefetch" : ", no prefetch") : "",
           (double)numMats * kMat / best / 1e9);
  }
  return 0;
}
