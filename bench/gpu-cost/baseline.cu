// Baselines for the device GEMV benchmark (bench/gpu-cost/device-check.sh),
// compiled to a cubin by prepare-device.sh and launched by mx-cuda-run:
//
//  * bf16_gemv: out[n] += sum_k x[k] * W[k][n] over this block's K slice,
//    BF16 W (K x N, row-major, as raw 16-bit patterns) and x, f32
//    accumulation. Each thread owns two adjacent columns (one 32-bit load per
//    k, coalesced across the warp); grid.y splits K so every SM streams, and
//    the slices meet with atomicAdd (out must start at zero; the sum order is
//    not fixed, which a timing job does not check).
//  * read_bw: streams a buffer with 16-byte loads and writes one word per
//    block, the achievable read bandwidth the GEMVs are compared with.
//
// Plain C++ on raw bits: no CUDA headers beyond the compiler's own.

__device__ __forceinline__ float bf16Lo(unsigned w) {
  return __uint_as_float(w << 16);
}
__device__ __forceinline__ float bf16Hi(unsigned w) {
  return __uint_as_float(w & 0xffff0000u);
}

extern "C" __global__ void bf16_gemv(const unsigned short *__restrict__ x,
                                     const unsigned *__restrict__ w,
                                     float *__restrict__ out, int k, int n,
                                     int kPerBlock) {
  int pair = blockIdx.x * blockDim.x + threadIdx.x;
  if (2 * pair >= n)
    return;
  int k0 = blockIdx.y * kPerBlock;
  int k1 = min(k, k0 + kPerBlock);
  float acc0 = 0.f, acc1 = 0.f;
  const unsigned *col = w + pair;
#pragma unroll 8
  for (int i = k0; i < k1; ++i) {
    unsigned v = __ldg(col + (size_t)i * (n / 2));
    float a = __uint_as_float((unsigned)x[i] << 16);
    acc0 += a * bf16Lo(v);
    acc1 += a * bf16Hi(v);
  }
  atomicAdd(out + 2 * pair, acc0);
  atomicAdd(out + 2 * pair + 1, acc1);
}

extern "C" __global__ void read_bw(const uint4 *__restrict__ in,
                                   unsigned *__restrict__ out, long long n) {
  unsigned acc = 0;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
       i += (long long)gridDim.x * blockDim.x) {
    uint4 v = __ldg(in + i);
    acc ^= v.x ^ v.y ^ v.z ^ v.w;
  }
  if (acc == 0x12345678u) // keeps the loads; practically never true
    out[blockIdx.x] = acc;
}
