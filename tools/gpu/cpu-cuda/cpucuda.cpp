// A CPU stand-in for the three CUDA libraries the CUDA backend calls (libcuda, libnvrtc, libcublas), for running the backend's
// host code on a machine without a GPU: "NVRTC" compiles the kernel source with g++ into a shared object, "launches" run each
// block's threads one after another, device memory is host memory and SGEMM is a plain triple loop. It proves what the host code
// does (argument orders, shapes, buffer sizes, the order of launches), not the GPU's speed or its last bits. Never shipped; see
// tools/gpu/cpu-cuda/build.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <unistd.h>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {
struct Program { std::string source, log, image; };
struct Function { void (*launch)(void**, unsigned, unsigned); };

// Every kernel becomes a plain function; launch_<name> sets the built-in indices and runs every thread of every block in turn.
const char* Prelude = R"(#include <math.h>
#include <algorithm>
using std::min; using std::max;
struct cpu_dim { unsigned x, y, z; };
static thread_local cpu_dim threadIdx, blockIdx, blockDim, gridDim;
#define __global__
)";

std::string Launchers(const std::string& source) {
    std::regex kernel(R"(extern "C" __global__ void (\w+)\(([^)]*)\))");
    std::ostringstream out;
    for (auto it = std::sregex_iterator(source.begin(), source.end(), kernel); it != std::sregex_iterator(); ++it) {
        std::string name = (*it)[1], params = (*it)[2], call;
        std::stringstream list(params);
        std::string param;
        int index = 0;
        while (std::getline(list, param, ',')) {
            auto end = param.find_last_not_of(" \n\t");
            auto start = param.find_last_of(" *", end);
            std::string type = param.substr(0, start + 1);
            call += (index ? ", " : "") + std::string("*(") + type + "*)a[" + std::to_string(index) + "]";
            index++;
        }
        out << "extern \"C\" void launch_" << name << "(void** a, unsigned grid, unsigned block) {\n"
            << "  gridDim = {grid, 1, 1}; blockDim = {block, 1, 1};\n"
            << "  for (unsigned b = 0; b < grid; b++) for (unsigned t = 0; t < block; t++) {\n"
            << "    blockIdx = {b, 0, 0}; threadIdx = {t, 0, 0}; " << name << "(" << call << "); }\n}\n";
    }
    return out.str();
}

std::string Folder() {
    const char* dir = getenv("CPU_CUDA_CACHE");
    return dir ? dir : "/tmp/cpu-cuda-cache";
}
}  // namespace

extern "C" {
// ---- driver ----
int cuInit(unsigned) { return 0; }
int cuDriverGetVersion(int* v) { *v = 13000; return 0; }
int cuDeviceGetCount(int* n) { *n = 1; return 0; }
int cuDeviceGet(int* d, int ordinal) { *d = ordinal; return ordinal == 0 ? 0 : 101; }
int cuDeviceGetName(char* name, int length, int) { snprintf(name, length, "CPU stand-in (tools/gpu/cpu-cuda)"); return 0; }
int cuDeviceTotalMem_v2(size_t* bytes, int) { *bytes = size_t(16) << 30; return 0; }
int cuDeviceGetAttribute(int* value, int attribute, int) {
    *value = attribute == 75 ? 9 : attribute == 76 ? 0 : attribute == 16 ? 1 : 0;
    return 0;
}
int cuDevicePrimaryCtxRetain(void** ctx, int) { *ctx = (void*)1; return 0; }
int cuDevicePrimaryCtxRelease_v2(int) { return 0; }
int cuCtxSetCurrent(void*) { return 0; }
int cuCtxSynchronize() { return 0; }
int cuMemAlloc_v2(uint64_t* p, size_t bytes) {
    void* m = aligned_alloc(256, (bytes + 255) / 256 * 256);
    if (!m) return 2;
    memset(m, 0xff, bytes);  // NaN-filled, as uninitialised device memory may be anything
    *p = (uint64_t)m;
    return 0;
}
int cuMemFree_v2(uint64_t p) { free((void*)p); return 0; }
int cuMemcpyHtoD_v2(uint64_t dst, const void* src, size_t bytes) { memcpy((void*)dst, src, bytes); return 0; }
int cuMemcpyDtoH_v2(void* dst, uint64_t src, size_t bytes) { memcpy(dst, (void*)src, bytes); return 0; }
int cuMemsetD32_v2(uint64_t dst, unsigned value, size_t count) {
    auto* p = (unsigned*)dst;
    for (size_t i = 0; i < count; i++) p[i] = value;
    return 0;
}
int cuStreamCreate(void** s, unsigned) { *s = (void*)2; return 0; }
int cuStreamDestroy_v2(void*) { return 0; }
int cuStreamSynchronize(void*) { return 0; }
int cuModuleLoadData(void** module, const void* image) {
    void* handle = dlopen((const char*)image, RTLD_NOW | RTLD_LOCAL);
    if (!handle) { fprintf(stderr, "cpu-cuda: %s\n", dlerror()); return 200; }
    *module = handle;
    return 0;
}
int cuModuleUnload(void* module) { dlclose(module); return 0; }
int cuModuleGetFunction(void** f, void* module, const char* name) {
    void* launch = dlsym(module, ("launch_" + std::string(name)).c_str());
    if (!launch) return 500;
    *f = new Function{(void (*)(void**, unsigned, unsigned))launch};
    return 0;
}
int cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, unsigned, void*, void** params,
                   void**) {
    if (gy != 1 || gz != 1 || by != 1 || bz != 1) return 1;
    ((Function*)f)->launch(params, gx, bx);
    return 0;
}
int cuStreamBeginCapture_v2(void*, int) { return 801; }
int cuStreamEndCapture(void*, void**) { return 801; }
int cuGraphInstantiateWithFlags(void**, void*, unsigned long long) { return 801; }
int cuGraphLaunch(void*, void*) { return 801; }
int cuGraphExecDestroy(void*) { return 0; }
int cuGraphDestroy(void*) { return 0; }
int cuGetErrorString(int, const char** text) { *text = "error in the CPU stand-in for CUDA"; return 0; }

// ---- NVRTC ----
int nvrtcCreateProgram(void** program, const char* source, const char*, int, const char* const*, const char* const*) {
    *program = new Program{source, "", ""};
    return 0;
}
int nvrtcCompileProgram(void* program, int, const char* const*) {
    auto* p = (Program*)program;
    std::string text = Prelude + p->source + "\n" + Launchers(p->source);
    std::string dir = Folder();
    std::string key = std::to_string(std::hash<std::string>{}(text));
    std::string cu = dir + "/k" + key + ".cpp", so = dir + "/k" + key + ".so";
    if (std::ifstream(so).good()) { p->image = so; return 0; }
    std::string mk = "mkdir -p '" + dir + "'";
    if (system(mk.c_str()) != 0) return 6;
    std::ofstream(cu) << text;
    std::string tmp = so + "." + std::to_string(getpid());
    std::string cmd = "g++ -O2 -shared -fPIC -ffp-contract=off -o '" + tmp + "' '" + cu + "' 2>'" + cu + ".log' && mv '" + tmp + "' '" + so + "'";
    if (system(cmd.c_str()) != 0) {
        std::ifstream log(cu + ".log");
        std::stringstream s;
        s << log.rdbuf();
        p->log = s.str();
        return 6;
    }
    p->image = so;
    return 0;
}
int nvrtcGetPTXSize(void* program, size_t* size) { *size = ((Program*)program)->image.size() + 1; return 0; }
int nvrtcGetPTX(void* program, char* ptx) { auto& s = ((Program*)program)->image; memcpy(ptx, s.c_str(), s.size() + 1); return 0; }
int nvrtcGetProgramLogSize(void* program, size_t* size) { *size = ((Program*)program)->log.size() + 1; return 0; }
int nvrtcGetProgramLog(void* program, char* log) { auto& s = ((Program*)program)->log; memcpy(log, s.c_str(), s.size() + 1); return 0; }
int nvrtcDestroyProgram(void** program) { delete (Program*)*program; *program = nullptr; return 0; }

// ---- cuBLAS (column-major, as the real one) ----
int cublasCreate_v2(void** handle) { *handle = (void*)3; return 0; }
int cublasDestroy_v2(void*) { return 0; }
int cublasSetStream_v2(void*, void*) { return 0; }
int cublasSetMathMode(void*, int) { return 0; }
int cublasSetWorkspace_v2(void*, void*, size_t) { return 0; }
int cublasSgemm_v2(void*, int ta, int tb, int m, int n, int k, const float* alpha, const float* a, int lda, const float* b, int ldb,
                   const float* beta, float* c, int ldc) {
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) {
            float s = 0.f;
            for (int l = 0; l < k; l++) s += (ta ? a[l + (size_t)i * lda] : a[i + (size_t)l * lda]) * (tb ? b[j + (size_t)l * ldb] : b[l + (size_t)j * ldb]);
            float* out = c + i + (size_t)j * ldc;
            *out = *beta == 0.f ? *alpha * s : *alpha * s + *beta * *out;
        }
    return 0;
}
}
