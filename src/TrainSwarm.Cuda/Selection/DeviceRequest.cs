using System.Globalization;

namespace TrainSwarm.Cuda.Selection;

/// <summary>What `--device` asked for: auto (the GPU when there is one), cpu, or cuda with a device ordinal.</summary>
public readonly record struct DeviceRequest(DeviceRequestKind Kind, int Ordinal)
{
    /// <summary>The values `--device` accepts, for help text.</summary>
    public const string Syntax = "auto|cpu|cuda[:N]";

    public static DeviceRequest Auto => new(DeviceRequestKind.Auto, 0);

    public static DeviceRequest Cpu => new(DeviceRequestKind.Cpu, 0);

    /// <summary>Parses `auto`, `cpu`, `cuda` or `cuda:N`; false (with the reason) for anything else.</summary>
    public static bool TryParse(string? text, out DeviceRequest request, out string error)
    {
        request = Auto;
        error = "";
        var value = text?.Trim().ToLowerInvariant() ?? "";
        switch (value)
        {
            case "auto": return true;
            case "cpu": request = Cpu; return true;
            case "cuda": request = new(DeviceRequestKind.Cuda, 0); return true;
        }
        if (value.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(value.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int ordinal))
        {
            request = new(DeviceRequestKind.Cuda, ordinal);
            return true;
        }
        error = $"--device must be {Syntax}; got '{text}'";
        return false;
    }

    public override string ToString() => Kind switch
    {
        DeviceRequestKind.Auto => "auto",
        DeviceRequestKind.Cpu => "cpu",
        _ => $"cuda:{Ordinal}",
    };
}

/// <summary>The three kinds of `--device` request.</summary>
public enum DeviceRequestKind
{
    Auto,
    Cpu,
    Cuda,
}
