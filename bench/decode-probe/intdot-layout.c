// Does the MXFP4 x MXINT8 GEMV's weight layout matter? (docs/Lowering.md,
// "Constant weights in the integer dot"). The integer-dot GEMV of
// docs/Lowering.md in C, over layouts of the same 4096 x 14336 codes,
// DRAM-fed (1 GiB of matrices rotated), 1 and 2 threads, rounds
// alternating:
//
// * rows: MX's packed layout, [K][N / 2] bytes and [K / 32][N] scales. Per
//   K block and chunk of 64 columns, four K rows at a time: four 32-byte
//   loads 7 KiB apart, byte and word unpacks into dwords of four K rows,
//   nibble lookups, vpdpbusd; prefetch 8 chunks ahead into L2; the block's
//   terms added to an [N] f32 accumulator in memory (MX's kernel).
// * tiles: per chunk of 64 columns, its K blocks one after the other, each
//   1,024 bytes of codes already in the kernel's dword order (a dword = one
//   byte position's four K rows) followed by its 64 scale codes in the
//   terms' lane order: one sequential stream per thread, no unpacks, no
//   scale permutes, the chunk's accumulators in registers across K.
// * tiles32: the same, but each chunk's K rows of 32 packed bytes as they
//   are (the unpacks kept): MX's re-laid constants.
// * rowsT: the rows layout in the tiles' order (each chunk down K), each
//   row prefetched `prefetch-rows` rows ahead into L2.
// * rowsG: the rows layout, each K block in passes of `group` rows over the
//   whole panel (fewer streams per core), the block's integer sums kept
//   between passes (docs/Benchmarks.md, "Zen 5 again").
//
// All compute the same block terms, float(S) * 2^(cb-134) * 2^(ca-127)
// added in K order, and are checked against a scalar loop bit for bit.
//
//   cc -O3 -march=native -pthread bench/decode-probe/intdot-layout.c -o x
//   ./x [rounds] [prefetch-rows] [group] [group-ahead-bytes]

#include <immintrin.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { K = 4096, N = 14336, NB = N / 2, KB = 32, CHUNKS = N / 64 };
enum { BLOCK_REC = 1024 + 64 }; // tiles: a block's codes, then its scales
enum { NK = 5 };                // kernels compared

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static uint64_t rngState = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void) {
  rngState ^= rngState << 13, rngState ^= rngState >> 7,
      rngState ^= rngState << 17;
  return rngState;
}

// 2 * E2M1 value + 12, both 16-byte halves.
static const int8_t kTable[32] = {12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10,
                                  9,  8,  6,  4,  0,  12, 13, 14, 15, 16, 18,
                                  20, 24, 12, 11, 10, 9,  8,  6,  4,  0};

// Byte position of lane i of vector t after the rows kernel's unpacks.
static int rowsPos(int t, int i) { return 4 * t + i % 4 + 16 * (i / 4); }

struct Acts {
  int8_t codes[K];
  uint8_t scale[K / KB];
  int32_t offset[K / KB]; // -12 * sum of the block's codes
};

static inline __m256 terms(__m256i s, __m256i cb, __m256 asc) {
  __m256 w = _mm256_castsi256_ps(
      _mm256_slli_epi32(_mm256_sub_epi32(cb, _mm256_set1_epi32(7)), 23));
  return _mm256_mul_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(s), w), asc);
}

static inline __m256 actScale(uint8_t ca) {
  return _mm256_castsi256_ps(_mm256_set1_epi32((int32_t)ca << 23));
}

#define DOT4(d0, d1, d2, d3, s, a)                                             \
  do {                                                                         \
    __m256i d[4] = {d0, d1, d2, d3};                                           \
    for (int q = 0; q < 4; ++q) {                                              \
      __m256i lo = _mm256_shuffle_epi8(table, _mm256_and_si256(d[q], low));    \
      __m256i hi = _mm256_shuffle_epi8(                                        \
          table, _mm256_and_si256(_mm256_srli_epi16(d[q], 4), low));           \
      s[2 * q] = _mm256_dpbusd_epi32(s[2 * q], lo, a);                         \
      s[2 * q + 1] = _mm256_dpbusd_epi32(s[2 * q + 1], hi, a);                 \
    }                                                                          \
  } while (0)

// Four packed rows of 32 bytes: byte and word unpacks into dwords of four
// K rows, then DOT4.
#define DOT_ROWS(r0, r1, r2, r3, s, a)                                         \
  do {                                                                         \
    __m256i u0 = _mm256_unpacklo_epi8(r0, r1);                                 \
    __m256i u1 = _mm256_unpackhi_epi8(r0, r1);                                 \
    __m256i u2 = _mm256_unpacklo_epi8(r2, r3);                                 \
    __m256i u3 = _mm256_unpackhi_epi8(r2, r3);                                 \
    DOT4(_mm256_unpacklo_epi16(u0, u2), _mm256_unpackhi_epi16(u0, u2),         \
         _mm256_unpacklo_epi16(u1, u3), _mm256_unpackhi_epi16(u1, u3), s, a);  \
  } while (0)

// `rows` K rows (a multiple of 4) of 64 columns in the rows layout from
// `base` (its first row at the chunk): four rows at a time, each
// prefetched `ahead` bytes further on (0: none).
static inline void rowsOf(const uint8_t *base, const int8_t *codes, int rows,
                          __m256i *s, __m256i table, __m256i low,
                          size_t ahead) {
  for (int k = 0; k < rows; k += 4) {
    const uint8_t *r = base + (size_t)k * NB;
    __m256i r0 = _mm256_loadu_si256((const void *)r);
    __m256i r1 = _mm256_loadu_si256((const void *)(r + NB));
    __m256i r2 = _mm256_loadu_si256((const void *)(r + 2 * NB));
    __m256i r3 = _mm256_loadu_si256((const void *)(r + 3 * NB));
    if (ahead)
      for (int q = 0; q < 4; ++q)
        _mm_prefetch((const char *)(r + q * NB + ahead), _MM_HINT_T1);
    __m256i av = _mm256_set1_epi32(*(const int32_t *)&codes[k]);
    DOT_ROWS(r0, r1, r2, r3, s, av);
  }
}

// One K block of 64 columns in the rows layout.
static inline void rowsBlock(const uint8_t *base, const int8_t *codes,
                             __m256i *s, __m256i table, __m256i low,
                             size_t ahead) {
  rowsOf(base, codes, KB, s, table, low, ahead);
}

// K block kb's terms of chunk c from its sums s, added to acc (lane order).
static inline void addBlockTerms(const uint8_t *sc, int kb, int c,
                                 const __m256i *s, __m256 asc, float *acc,
                                 const __m512i *permIdx) {
  __m512i codes =
      _mm512_loadu_si512((const void *)(sc + (size_t)kb * N + c * 64));
  for (int v = 0; v < 8; ++v) {
    __m256i cb = _mm256_cvtepu8_epi32(
        _mm512_castsi512_si128(_mm512_permutexvar_epi8(permIdx[v], codes)));
    float *o = acc + c * 64 + v * 8;
    _mm256_storeu_ps(o,
                     _mm256_add_ps(_mm256_loadu_ps(o), terms(s[v], cb, asc)));
  }
}

// The rows layout's kernel for chunks [c0, c1) of the [K][NB] codes, acc in
// lane order, [N]: per K block, passes of `rows` K rows over every chunk,
// each row prefetched `ahead` bytes further on (on even chunks only with
// `evenOnly`). With rows < KB the chunks' i32 sums are kept in `sums`
// between passes (256 bytes a chunk); the last pass adds the block's terms.
// Integer sums are exact in any order, so every split gives the same bits.
static void gemvPasses(const uint8_t *w, const uint8_t *sc,
                       const struct Acts *a, float *acc, int c0, int c1,
                       __m512i *permIdx, __m256i *sums, int rows, int ahead,
                       int evenOnly) {
  const __m256i table = _mm256_loadu_si256((const void *)kTable);
  const __m256i low = _mm256_set1_epi8(15);
  for (int c = c0; c < c1; ++c)
    for (int j = 0; j < 64; ++j)
      acc[c * 64 + j] = 0;
  for (int kb = 0; kb < K / KB; ++kb) {
    __m256 asc = actScale(a->scale[kb]);
    for (int g0 = 0; g0 < KB; g0 += rows) {
      int first = g0 == 0, last = g0 + rows == KB;
      for (int c = c0; c < c1; ++c) {
        __m256i s[8];
        for (int v = 0; v < 8; ++v)
          s[v] = first ? _mm256_set1_epi32(a->offset[kb])
                       : sums[(size_t)(c - c0) * 8 + v];
        int fetch = c + ahead / 32 < CHUNKS && !(evenOnly && (c & 1));
        rowsOf(w + (size_t)(kb * KB + g0) * NB + c * 32,
               &a->codes[kb * KB + g0], rows, s, table, low, fetch ? ahead : 0);
        if (last)
          addBlockTerms(sc, kb, c, s, asc, acc, permIdx);
        else
          for (int v = 0; v < 8; ++v)
            sums[(size_t)(c - c0) * 8 + v] = s[v];
      }
    }
  }
}

// rows: MX's kernel, each K block's 32 rows at once, prefetched 8 chunks
// ahead.
static void gemvRows(const uint8_t *w, const uint8_t *sc, const struct Acts *a,
                     float *acc, int c0, int c1, __m512i *permIdx) {
  gemvPasses(w, sc, a, acc, c0, c1, permIdx, NULL, KB, 256, 0);
}

// rowsG: each K block in passes of `group` rows over the whole panel
// (`group` streams per core instead of 32), prefetched `groupAhead` bytes
// ahead on even chunks.
static int group = 8, groupAhead = 256;

// tiles (unpacks = 0) and tiles32 (unpacks = 1): chunks [c0, c1); acc in
// lane order, [N].
static void gemvTiles(const uint8_t *t, const struct Acts *a, float *acc,
                      int c0, int c1, int unpacks) {
  const __m256i table = _mm256_loadu_si256((const void *)kTable);
  const __m256i low = _mm256_set1_epi8(15);
  for (int c = c0; c < c1; ++c) {
    __m256 out[8];
    for (int v = 0; v < 8; ++v)
      out[v] = _mm256_setzero_ps();
    const uint8_t *p = t + (size_t)c * (K / KB) * BLOCK_REC;
    for (int kb = 0; kb < K / KB; ++kb, p += BLOCK_REC) {
      __m256i s[8];
      for (int v = 0; v < 8; ++v)
        s[v] = _mm256_set1_epi32(a->offset[kb]);
      for (int g = 0; g < KB / 4; ++g) {
        const uint8_t *r = p + g * 128;
        __m256i av =
            _mm256_set1_epi32(*(const int32_t *)&a->codes[kb * KB + 4 * g]);
        __m256i r0 = _mm256_loadu_si256((const void *)r);
        __m256i r1 = _mm256_loadu_si256((const void *)(r + 32));
        __m256i r2 = _mm256_loadu_si256((const void *)(r + 64));
        __m256i r3 = _mm256_loadu_si256((const void *)(r + 96));
        if (unpacks)
          DOT_ROWS(r0, r1, r2, r3, s, av);
        else
          DOT4(r0, r1, r2, r3, s, av);
      }
      __m256 asc = actScale(a->scale[kb]);
      for (int v = 0; v < 8; ++v) {
        __m256i cb = _mm256_cvtepu8_epi32(
            _mm_loadl_epi64((const void *)(p + 1024 + v * 8)));
        out[v] = _mm256_add_ps(out[v], terms(s[v], cb, asc));
      }
    }
    for (int v = 0; v < 8; ++v)
      _mm256_storeu_ps(acc + c * 64 + v * 8, out[v]);
  }
}

static void toTiles32(const uint8_t *w, const uint8_t *sc, uint8_t *t) {
  for (int c = 0; c < CHUNKS; ++c)
    for (int kb = 0; kb < K / KB; ++kb) {
      uint8_t *p = t + ((size_t)c * (K / KB) + kb) * BLOCK_REC;
      for (int k = 0; k < KB; ++k)
        memcpy(p + k * 32, w + (size_t)(kb * KB + k) * NB + c * 32, 32);
      for (int v = 0; v < 8; ++v)
        for (int i = 0; i < 8; ++i)
          p[1024 + v * 8 + i] =
              sc[(size_t)kb * N + c * 64 + 2 * rowsPos(v / 2, i) + v % 2];
    }
}

// rowsT (probe only): MX's rows layout in the tiles kernels' order (each
// chunk down K, accumulators in registers), each row prefetched D rows
// ahead into L2.
static int prefetchRows = 64;
static void gemvRowsT(const uint8_t *w, const uint8_t *sc, const struct Acts *a,
                      float *acc, int c0, int c1, __m512i *permIdx) {
  const __m256i table = _mm256_loadu_si256((const void *)kTable);
  const __m256i low = _mm256_set1_epi8(15);
  for (int c = c0; c < c1; ++c) {
    __m256 out[8];
    for (int v = 0; v < 8; ++v)
      out[v] = _mm256_setzero_ps();
    for (int kb = 0; kb < K / KB; ++kb) {
      __m256i s[8];
      for (int v = 0; v < 8; ++v)
        s[v] = _mm256_set1_epi32(a->offset[kb]);
      // Even chunks fetch the lines, odd ones find them in L2.
      int ahead = prefetchRows && !(c & 1) && (kb + 1) * KB + prefetchRows <= K;
      rowsBlock(w + (size_t)kb * KB * NB + c * 32, &a->codes[kb * KB], s, table,
                low, ahead ? (size_t)prefetchRows * NB : 0);
      __m512i codes =
          _mm512_loadu_si512((const void *)(sc + (size_t)kb * N + c * 64));
      __m256 asc = actScale(a->scale[kb]);
      for (int v = 0; v < 8; ++v) {
        __m256i cb = _mm256_cvtepu8_epi32(
            _mm512_castsi512_si128(_mm512_permutexvar_epi8(permIdx[v], codes)));
        out[v] = _mm256_add_ps(out[v], terms(s[v], cb, asc));
      }
    }
    for (int v = 0; v < 8; ++v)
      _mm256_storeu_ps(acc + c * 64 + v * 8, out[v]);
  }
}

// Vector v = 2q + g (g: nibble), lane i of the tiles kernel: byte position
// 8q + i.
static int tilesPos(int q, int i) { return 8 * q + i; }

// Relayout one matrix: rows -> tiles.
static void toTiles(const uint8_t *w, const uint8_t *sc, uint8_t *t) {
  for (int c = 0; c < CHUNKS; ++c)
    for (int kb = 0; kb < K / KB; ++kb) {
      uint8_t *p = t + ((size_t)c * (K / KB) + kb) * BLOCK_REC;
      for (int g = 0; g < KB / 4; ++g)
        for (int q = 0; q < 4; ++q)
          for (int i = 0; i < 8; ++i)
            for (int r = 0; r < 4; ++r)
              p[g * 128 + q * 32 + i * 4 + r] =
                  w[(size_t)(kb * KB + 4 * g + r) * NB + c * 32 +
                    tilesPos(q, i)];
      for (int v = 0; v < 8; ++v)
        for (int i = 0; i < 8; ++i)
          p[1024 + v * 8 + i] =
              sc[(size_t)kb * N + c * 64 + 2 * tilesPos(v / 2, i) + v % 2];
    }
}

static float e2m1(int code) {
  static const float v[8] = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6};
  return code & 8 ? -v[code & 7] : v[code & 7];
}

// out[col] for one column, the same terms in the same order.
static float reference(const uint8_t *w, const uint8_t *sc,
                       const struct Acts *a, int col) {
  float sum = 0;
  for (int kb = 0; kb < K / KB; ++kb) {
    int32_t s = 0;
    for (int k = kb * KB; k < (kb + 1) * KB; ++k) {
      int code = (w[(size_t)k * NB + col / 2] >> (4 * (col % 2))) & 15;
      s += (int32_t)(2 * e2m1(code)) * a->codes[k];
    }
    int32_t cbits = ((int32_t)sc[(size_t)kb * N + col] - 7) << 23,
            abits = (int32_t)a->scale[kb] << 23;
    float wv, av;
    memcpy(&wv, &cbits, 4), memcpy(&av, &abits, 4);
    sum += ((float)s * wv) * av;
  }
  return sum;
}

// A thread pool that spins between GEMVs (as MX's and ggml's do).
enum { MAXT = 2 };
static int nThreads;
static atomic_int gen, done;
static void (*job)(int, int);
static void *worker(void *arg) {
  int id = (int)(intptr_t)arg, seen = 0;
  for (;;) {
    int g;
    while ((g = atomic_load(&gen)) == seen)
      _mm_pause();
    seen = g;
    if (g < 0)
      return 0;
    if (id < nThreads) {
      job(id, nThreads);
      atomic_fetch_add(&done, 1);
    }
  }
}
static void runAll(void (*f)(int, int)) {
  job = f;
  atomic_store(&done, 0);
  atomic_fetch_add(&gen, 1);
  f(0, nThreads);
  atomic_fetch_add(&done, 1);
  while (atomic_load(&done) < nThreads)
    _mm_pause();
}

static uint8_t **mats, **scs, **tiles, **tiles32;
static struct Acts acts;
static float *accs[MAXT];
static float *acc;
static int cur;
static __m512i permIdx[8];
static const float *bw;
static size_t bwN;
static volatile float bwSink[MAXT];

static void jobRows(int id, int n) {
  gemvRows(mats[cur], scs[cur], &acts, acc, CHUNKS * id / n,
           CHUNKS * (id + 1) / n, permIdx);
}
static void jobRowsT(int id, int n) {
  gemvRowsT(mats[cur], scs[cur], &acts, acc, CHUNKS * id / n,
            CHUNKS * (id + 1) / n, permIdx);
}
static __m256i *groupSums[MAXT];
static void jobRowsG(int id, int n) {
  gemvPasses(mats[cur], scs[cur], &acts, acc, CHUNKS * id / n,
             CHUNKS * (id + 1) / n, permIdx, groupSums[id], group, groupAhead,
             1);
}
static void jobTiles32(int id, int n) {
  gemvTiles(tiles32[cur], &acts, acc, CHUNKS * id / n, CHUNKS * (id + 1) / n,
            1);
}
static void jobTiles(int id, int n) {
  gemvTiles(tiles[cur], &acts, acc, CHUNKS * id / n, CHUNKS * (id + 1) / n, 0);
}
static void jobBw(int id, int n) {
  size_t lo = bwN * id / n, hi = bwN * (id + 1) / n;
  __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = lo; i + 64 <= hi; i += 64) {
    s0 = _mm512_add_ps(s0, _mm512_loadu_ps(bw + i));
    s1 = _mm512_add_ps(s1, _mm512_loadu_ps(bw + i + 16));
    s2 = _mm512_add_ps(s2, _mm512_loadu_ps(bw + i + 32));
    s3 = _mm512_add_ps(s3, _mm512_loadu_ps(bw + i + 48));
  }
  bwSink[id] = _mm512_reduce_add_ps(
      _mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

static int cmpd(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 5;
  if (argc > 2)
    prefetchRows = atoi(argv[2]);
  if (argc > 3)
    group = atoi(argv[3]);
  if (argc > 4)
    groupAhead = atoi(argv[4]);
  if (group < 4 || group % 4 || KB % group) {
    fprintf(stderr, "group: 4, 8, 16 or 32\n");
    return 1;
  }
  size_t codeBytes = (size_t)K * NB, scBytes = (size_t)(K / KB) * N;
  size_t tileBytes = (size_t)CHUNKS * (K / KB) * BLOCK_REC;
  int nm = (int)((1ull << 30) / (codeBytes + scBytes)) + 1;
  mats = malloc(nm * sizeof *mats), scs = malloc(nm * sizeof *scs),
  tiles = malloc(nm * sizeof *tiles), tiles32 = malloc(nm * sizeof *tiles32);
  for (int m = 0; m < nm; ++m) {
    mats[m] = aligned_alloc(64, codeBytes), scs[m] = aligned_alloc(64, scBytes);
    tiles[m] = aligned_alloc(64, tileBytes);
    for (size_t i = 0; i < codeBytes; i += 8) {
      uint64_t v = rng();
      memcpy(mats[m] + i, &v, 8);
    }
    for (size_t i = 0; i < scBytes; ++i)
      scs[m][i] = 119 + rng() % 17;
    toTiles(mats[m], scs[m], tiles[m]);
    tiles32[m] = aligned_alloc(64, tileBytes);
    toTiles32(mats[m], scs[m], tiles32[m]);
  }
  for (int k = 0; k < K; ++k)
    acts.codes[k] = (int8_t)rng();
  for (int kb = 0; kb < K / KB; ++kb) {
    int32_t s = 0;
    for (int k = kb * KB; k < (kb + 1) * KB; ++k)
      s += acts.codes[k];
    acts.offset[kb] = -12 * s;
    acts.scale[kb] = 120 + rng() % 10;
  }
  for (int v = 0; v < 8; ++v) {
    uint8_t idx[64] = {0};
    for (int i = 0; i < 8; ++i)
      idx[i] = 2 * rowsPos(v / 2, i) + v % 2;
    permIdx[v] = _mm512_loadu_si512((const void *)idx);
  }
  bwN = (size_t)(1u << 30) / 4;
  float *bwBuf = aligned_alloc(64, bwN * 4);
  for (size_t i = 0; i < bwN; ++i)
    bwBuf[i] = 1;
  bw = bwBuf;
  for (int t = 0; t < MAXT; ++t) {
    accs[t] = aligned_alloc(64, N * sizeof(float));
    groupSums[t] = aligned_alloc(64, (size_t)CHUNKS * 8 * sizeof(__m256i));
  }
  pthread_t th[MAXT];
  for (int t = 1; t < MAXT; ++t)
    pthread_create(&th[t], 0, worker, (void *)(intptr_t)t);

  // Check every kernel against the scalar loop, bit for bit.
  static const char *names[NK] = {"rows", "tiles", "tiles32", "rowsT", "rowsG"};
  void (*jobs[NK])(int, int) = {jobRows, jobTiles, jobTiles32, jobRowsT,
                                jobRowsG};
  nThreads = MAXT;
  for (int which = 0; which < NK; ++which) {
    acc = accs[0], cur = 0;
    runAll(jobs[which]);
    int bad = 0;
    for (int c = 0; c < CHUNKS; ++c)
      for (int v = 0; v < 8; ++v)
        for (int i = 0; i < 8; ++i) {
          int pos = which == 1 ? tilesPos(v / 2, i) : rowsPos(v / 2, i);
          int col = c * 64 + 2 * pos + v % 2;
          float r = reference(mats[0], scs[0], &acts, col);
          float g = acc[c * 64 + v * 8 + i];
          if (memcmp(&r, &g, 4) && !bad++)
            printf("%s: column %d: %a, reference %a\n", names[which], col, g,
                   r);
        }
    printf("check %s: %s\n", names[which], bad ? "MISMATCH" : "bit for bit");
  }

  printf("%d matrices of %.1f MB (rows) / %.1f MB (tiles), %d rounds\n", nm,
         (codeBytes + scBytes) / 1e6, tileBytes / 1e6, rounds);
  for (int threads = 1; threads <= MAXT; ++threads) {
    nThreads = threads;
    double tk[NK][64], tb = 0;
    for (int r = 0; r < rounds; ++r) {
      double t0 = now();
      runAll(jobBw);
      double s = now() - t0;
      if (bwN * 4 / s / 1e9 > tb)
        tb = bwN * 4 / s / 1e9;
      for (int which = 0; which < NK; ++which) {
        acc = accs[0];
        double t1 = now();
        for (cur = 0; cur < nm; ++cur)
          runAll(jobs[which]);
        tk[which][r] = (now() - t1) / nm;
      }
    }
    double bytes = codeBytes + scBytes;
    printf("%d thread(s), read bandwidth %.1f GB/s (best of rounds)\n", threads,
           tb);
    for (int which = 0; which < NK; ++which) {
      qsort(tk[which], rounds, 8, cmpd);
      printf("  %-8s DRAM median %.3f ms min %.3f ms  %.1f GB/s %.0f%%\n",
             names[which], tk[which][rounds / 2] * 1e3, tk[which][0] * 1e3,
             bytes / tk[which][0] / 1e9, 100 * bytes / tk[which][0] / 1e9 / tb);
    }
  }
  atomic_store(&gen, -1);
  for (int t = 1; t < MAXT; ++t)
    pthread_join(th[t], 0);
  return 0;
}
