namespace TrainSwarm.Cuda.Kernels;

/// <summary>Packs one kernel argument into the 8-byte slot <see cref="KernelModule.Launch"/> passes to the driver.</summary>
internal static class KernelArg
{
    public static ulong Int(int value) => (uint)value;

    public static ulong Long(long value) => (ulong)value;

    public static ulong Float(float value) => BitConverter.SingleToUInt32Bits(value);
}
