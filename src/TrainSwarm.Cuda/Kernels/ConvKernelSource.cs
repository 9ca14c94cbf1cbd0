namespace TrainSwarm.Cuda.Kernels;

/// <summary>
/// The kernels of the cnn preset's convolution blocks (valid 3×3 convolution as im2col + GEMM, ReLU, 2×2 max pooling),
/// NCHW as PyTorch lays tensors out. Every output element is written by one thread that reads in a fixed order, and the
/// backward passes gather (col2im, pooling) instead of scattering, so no kernel needs atomics and results repeat bitwise.
/// </summary>
internal static class ConvKernelSource
{
    public static IReadOnlyList<string> KernelNames { get; } =
        ["im2col", "rows_to_nchw_bias_relu", "nchw_to_rows", "maxpool2_forward", "maxpool2_backward", "col2im", "column_sum_partial"];

    public const string Source =
        """
        #define GRID_STRIDE(n) for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < (n); i += (long long)gridDim.x * blockDim.x)

        // x: (B,C,H,W) -> cols: (B*OH*OW, C*KH*KW); row p = (b, oh, ow), column k = (c, kh, kw), PyTorch's weight order.
        extern "C" __global__ void im2col(const float* x, int batch, int channels, int h, int w, int kh, int kw, int oh, int ow, float* cols)
        {
            int k = channels * kh * kw;
            long long n = (long long)batch * oh * ow * k;
            GRID_STRIDE(n)
            {
                long long p = i / k; int q = (int)(i % k);
                int b = (int)(p / (oh * ow)); int s = (int)(p % (oh * ow));
                int y = s / ow, xo = s % ow;
                int c = q / (kh * kw); int r = q % (kh * kw);
                cols[i] = x[(((long long)b * channels + c) * h + y + r / kw) * w + xo + r % kw];
            }
        }

        // rows: (B*plane, OC) from the GEMM -> y: (B,OC,plane) = rows + bias[oc], then ReLU when relu != 0 (the cnn always; the op check
        // also without, to compare with PyTorch's plain Conv2d).
        extern "C" __global__ void rows_to_nchw_bias_relu(const float* rows, const float* bias, int batch, int oc, int plane, int relu, float* y)
        {
            long long n = (long long)batch * oc * plane;
            GRID_STRIDE(n)
            {
                int s = (int)(i % plane); long long bc = i / plane;
                int c = (int)(bc % oc); long long b = bc / oc;
                float v = rows[(b * plane + s) * oc + c] + bias[c];
                y[i] = (relu && !(v > 0.f)) ? 0.f : v;
            }
        }

        // d: (B,OC,plane) -> rows: (B*plane, OC), the GEMM layout of the output gradient.
        extern "C" __global__ void nchw_to_rows(const float* d, int batch, int oc, int plane, float* rows)
        {
            long long n = (long long)batch * oc * plane;
            GRID_STRIDE(n)
            {
                int c = (int)(i % oc); long long p = i / oc;
                long long b = p / plane; int s = (int)(p % plane);
                rows[i] = d[(b * oc + c) * plane + s];
            }
        }

        // x: (planes, H, W) -> y: (planes, H/2, W/2), arg = the winner's offset in its plane; ties go to the first in row-major
        // window order, as in PyTorch and the CPU engine.
        extern "C" __global__ void maxpool2_forward(const float* x, int planes, int h, int w, int ph, int pw, float* y, int* arg)
        {
            long long n = (long long)planes * ph * pw;
            GRID_STRIDE(n)
            {
                long long plane = i / (ph * pw); int s = (int)(i % (ph * pw));
                int y0 = 2 * (s / pw), x0 = 2 * (s % pw);
                const float* src = x + plane * h * w;
                int best = y0 * w + x0; float v = src[best];
                int cand[3] = { y0 * w + x0 + 1, (y0 + 1) * w + x0, (y0 + 1) * w + x0 + 1 };
                for (int j = 0; j < 3; j++) if (src[cand[j]] > v) { v = src[cand[j]]; best = cand[j]; }
                y[i] = v; arg[i] = best;
            }
        }

        // dx: (planes, H, W) = dy routed back to each window's winner; every input is in at most one window (stride 2).
        extern "C" __global__ void maxpool2_backward(const float* dy, const int* arg, int planes, int h, int w, int ph, int pw, float* dx)
        {
            long long n = (long long)planes * h * w;
            GRID_STRIDE(n)
            {
                long long plane = i / (h * w); int s = (int)(i % (h * w));
                int py = (s / w) / 2, px = (s % w) / 2;
                float g = 0.f;
                if (py < ph && px < pw) { long long o = plane * ph * pw + py * pw + px; if (arg[o] == s) g = dy[o]; }
                dx[i] = g;
            }
        }

        // dcols: (B*OH*OW, C*KH*KW) -> dx: (B,C,H,W); each input gathers the cells it fed, kh then kw, in one order.
        extern "C" __global__ void col2im(const float* dcols, int batch, int channels, int h, int w, int kh, int kw, int oh, int ow, float* dx)
        {
            int k = channels * kh * kw;
            long long n = (long long)batch * channels * h * w;
            GRID_STRIDE(n)
            {
                int xi = (int)(i % w); long long t = i / w;
                int yi = (int)(t % h); t /= h;
                int c = (int)(t % channels); long long b = t / channels;
                float s = 0.f;
                for (int a = 0; a < kh; a++)
                {
                    int y = yi - a;
                    if (y < 0 || y >= oh) continue;
                    for (int e = 0; e < kw; e++)
                    {
                        int xo = xi - e;
                        if (xo < 0 || xo >= ow) continue;
                        s += dcols[((b * oh + y) * ow + xo) * k + (c * kh + a) * kw + e];
                    }
                }
                dx[i] = s;
            }
        }

        // partial: (chunks, cols) = sums of g: (rows, cols) over consecutive blocks of `chunk` rows; column_sum over the chunks
        // then finishes the bias gradient. Two fixed-order stages keep thousands of threads busy where one column per
        // thread would leave the GPU idle (the first conv has 32 columns and B·676 rows).
        extern "C" __global__ void column_sum_partial(const float* g, int rows, int cols, int chunk, float* partial)
        {
            int chunks = (rows + chunk - 1) / chunk;
            long long n = (long long)chunks * cols;
            GRID_STRIDE(n)
            {
                int c = (int)(i % cols); int part = (int)(i / cols);
                int end = min(rows, (part + 1) * chunk);
                float s = 0.f;
                for (int r = part * chunk; r < end; r++) s += g[(long long)r * cols + c];
                partial[i] = s;
            }
        }

        """;
}
