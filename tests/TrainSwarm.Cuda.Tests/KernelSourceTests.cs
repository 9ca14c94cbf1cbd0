using System.Text.RegularExpressions;
using TrainSwarm.Cuda.Kernels;

namespace TrainSwarm.Cuda.Tests;

public sealed partial class KernelSourceTests
{
    private static readonly string Source = KernelSource.Build();

    [Fact]
    public void Defines_every_kernel_the_trainer_loads_exactly_once_with_c_linkage()
    {
        var defined = KernelDefinition().Matches(Source).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(KernelSource.KernelNames.Order(StringComparer.Ordinal), defined.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void No_kernel_uses_atomics_so_reductions_sum_in_one_order()
    {
        Assert.DoesNotContain("atomic", Source, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("__shfl", Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Braces_and_parentheses_balance()
    {
        Assert.Equal(Source.Count(c => c == '{'), Source.Count(c => c == '}'));
        Assert.Equal(Source.Count(c => c == '('), Source.Count(c => c == ')'));
    }

    [Fact]
    public void An_elementwise_kernel_is_the_grid_stride_driver_around_its_body_with_n_last()
    {
        var text = KernelSource.ElementwiseKernel(new KernelSource.Elementwise("scale", "float* x, float s", "x[i] = x[i] * s;"));
        Assert.StartsWith("extern \"C\" __global__ void scale(float* x, float s, long long n)", text);
        Assert.Contains("i < n; i += (long long)gridDim.x * blockDim.x", text);
        Assert.Contains("x[i] = x[i] * s;", text);
    }

    [Fact]
    public void The_compiler_options_target_the_device_and_keep_multiply_add_unfused()
    {
        Assert.Equal(["--gpu-architecture=compute_90", "--fmad=false", "--std=c++17"], NvrtcCompiler.Options(9, 0));
        Assert.Equal("--gpu-architecture=compute_86", NvrtcCompiler.Options(8, 6)[0]);
    }

    [GeneratedRegex(@"extern ""C"" __global__ void (\w+)\(")]
    private static partial Regex KernelDefinition();
}
