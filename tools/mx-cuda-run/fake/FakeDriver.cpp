//===- FakeDriver.cpp - a stand-in libcuda.so.1 for mx-cuda-run's tests ---===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Tests only (test/GPU/runner-fake-driver.test): the driver entry points
// mx-cuda-run opens, on host memory, so its driver plumbing (symbols,
// allocation, copies, launches, timing, error names) runs on machines
// without a GPU. Kernels do not run: a launch is logged to
// $MX_FAKE_CUDA_LOG (name, grid, block), and with
// $MX_FAKE_CUDA_OUTPUT=FILE.npy every device-to-host copy of that file's
// data size returns the file's data, standing in for a kernel's result.
// $MX_FAKE_CUDA_DEVICES=0 pretends there is no device.
//
//===----------------------------------------------------------------------===//

#include <cuda.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {
struct FakeFunction {
  std::string name;
};
/// A function handle belongs to its module, as in CUDA: unloading the module
/// frees it.
struct FakeModule {
  std::string image;
  std::vector<std::unique_ptr<FakeFunction>> functions;
};

/// Device memory and modules the process holds, as a real driver tracks
/// them: mx-cuda-run exits on a CUDA error without freeing what it holds,
/// which the driver reclaims at process exit, so LeakSanitizer must not
/// report it.
std::set<void *> &live() {
  static auto *handles = new std::set<void *>;
  return *handles;
}

std::string outputPayload() {
  const char *path = std::getenv("MX_FAKE_CUDA_OUTPUT");
  if (!path)
    return {};
  std::ifstream in(path, std::ios::binary);
  std::string f((std::istreambuf_iterator<char>(in)),
                std::istreambuf_iterator<char>());
  if (f.size() < 10)
    return {};
  size_t hlen =
      static_cast<unsigned char>(f[8]) | static_cast<unsigned char>(f[9]) << 8;
  return f.substr(10 + hlen);
}
} // namespace

extern "C" {

CUresult cuInit(unsigned) { return CUDA_SUCCESS; }

CUresult cuDeviceGetCount(int *count) {
  const char *n = std::getenv("MX_FAKE_CUDA_DEVICES");
  *count = n ? std::atoi(n) : 1;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice *dev, int ordinal) {
  *dev = ordinal;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char *name, int len, CUdevice) {
  std::snprintf(name, len, "MX fake device");
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int *v, CUdevice_attribute attr, CUdevice) {
  *v = attr == CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR ? 9 : 0;
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext *ctx, CUdevice) {
  static int token;
  *ctx = reinterpret_cast<CUcontext>(&token);
  return CUDA_SUCCESS;
}
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice) { return CUDA_SUCCESS; }
CUresult cuCtxSetCurrent(CUcontext) { return CUDA_SUCCESS; }
CUresult cuCtxSynchronize() { return CUDA_SUCCESS; }

CUresult cuModuleLoadData(CUmodule *mod, const void *image) {
  const char *p = static_cast<const char *>(image);
  if (std::memcmp(p,
                  "\x7f"
                  "ELF",
                  4) != 0)
    return CUDA_ERROR_INVALID_IMAGE;
  // The image ends with the section header table (64-bit ELF).
  uint64_t shoff;
  uint16_t shentsize, shnum;
  std::memcpy(&shoff, p + 0x28, 8);
  std::memcpy(&shentsize, p + 0x3a, 2);
  std::memcpy(&shnum, p + 0x3c, 2);
  *mod = reinterpret_cast<CUmodule>(
      new FakeModule{std::string(p, shoff + uint64_t(shentsize) * shnum)});
  live().insert(*mod);
  return CUDA_SUCCESS;
}

CUresult cuModuleUnload(CUmodule mod) {
  live().erase(mod);
  delete reinterpret_cast<FakeModule *>(mod);
  return CUDA_SUCCESS;
}

CUresult cuModuleGetFunction(CUfunction *fn, CUmodule mod, const char *name) {
  const std::string &img = reinterpret_cast<FakeModule *>(mod)->image;
  if (img.find(std::string(name) + '\0') == std::string::npos)
    return CUDA_ERROR_NOT_FOUND;
  auto *m = reinterpret_cast<FakeModule *>(mod);
  m->functions.push_back(std::make_unique<FakeFunction>(FakeFunction{name}));
  *fn = reinterpret_cast<CUfunction>(m->functions.back().get());
  return CUDA_SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
  *p = reinterpret_cast<CUdeviceptr>(std::malloc(bytes));
  if (!*p)
    return CUDA_ERROR_OUT_OF_MEMORY;
  live().insert(reinterpret_cast<void *>(*p));
  return CUDA_SUCCESS;
}
CUresult cuMemFree_v2(CUdeviceptr p) {
  live().erase(reinterpret_cast<void *>(p));
  std::free(reinterpret_cast<void *>(p));
  return CUDA_SUCCESS;
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr d, const void *s, size_t n) {
  std::memcpy(reinterpret_cast<void *>(d), s, n);
  return CUDA_SUCCESS;
}
CUresult cuMemcpyDtoD_v2(CUdeviceptr d, CUdeviceptr s, size_t n) {
  std::memcpy(reinterpret_cast<void *>(d), reinterpret_cast<void *>(s), n);
  return CUDA_SUCCESS;
}
CUresult cuMemcpyDtoH_v2(void *d, CUdeviceptr s, size_t n) {
  std::string out = outputPayload();
  if (out.size() == n)
    std::memcpy(d, out.data(), n);
  else
    std::memcpy(d, reinterpret_cast<void *>(s), n);
  return CUDA_SUCCESS;
}

CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned,
                        CUstream, void **, void **) {
  if (const char *log = std::getenv("MX_FAKE_CUDA_LOG")) {
    if (FILE *out = std::fopen(log, "a")) {
      std::fprintf(out, "launch %s grid=%ux%ux%u block=%ux%ux%u\n",
                   reinterpret_cast<FakeFunction *>(f)->name.c_str(), gx, gy,
                   gz, bx, by, bz);
      std::fclose(out);
    }
  }
  return CUDA_SUCCESS;
}

CUresult cuEventCreate(CUevent *e, unsigned) {
  *e = reinterpret_cast<CUevent>(new int(0));
  return CUDA_SUCCESS;
}
CUresult cuEventDestroy(CUevent e) {
  delete reinterpret_cast<int *>(e);
  return CUDA_SUCCESS;
}
CUresult cuEventRecord(CUevent, CUstream) { return CUDA_SUCCESS; }
CUresult cuEventSynchronize(CUevent) { return CUDA_SUCCESS; }
// The unversioned symbol, which mx-cuda-run opens (cuda.h renames it).
#undef cuEventElapsedTime
CUresult cuEventElapsedTime(float *ms, CUevent, CUevent) {
  *ms = 0.001f;
  return CUDA_SUCCESS;
}

CUresult cuGetErrorName(CUresult r, const char **name) {
  switch (r) {
  case CUDA_ERROR_INVALID_IMAGE:
    *name = "CUDA_ERROR_INVALID_IMAGE";
    return CUDA_SUCCESS;
  case CUDA_ERROR_NOT_FOUND:
    *name = "CUDA_ERROR_NOT_FOUND";
    return CUDA_SUCCESS;
  case CUDA_ERROR_OUT_OF_MEMORY:
    *name = "CUDA_ERROR_OUT_OF_MEMORY";
    return CUDA_SUCCESS;
  default:
    return CUDA_ERROR_INVALID_VALUE;
  }
}

} // extern "C"
