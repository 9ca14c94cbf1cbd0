namespace TrainSwarm.Tensors;

/// <summary>
/// Reuses storage arrays by exact length. A training step asks for the same sizes every time, so after the
/// first step every request is served from the pool and the GC has nothing large to collect.
/// </summary>
public static class TensorPool
{
    private static readonly ArrayBuckets<float> Floats = new();
    private static readonly ArrayBuckets<int> Ints = new();

    /// <summary>An array of exactly <paramref name="length"/> floats with undefined contents.</summary>
    public static float[] Rent(int length) => Floats.Rent(length);

    /// <summary>Gives an array from <see cref="Rent"/> back.</summary>
    public static void Return(float[] array) => Floats.Return(array);

    /// <summary>An array of exactly <paramref name="length"/> ints with undefined contents.</summary>
    public static int[] RentInts(int length) => Ints.Rent(length);

    /// <summary>Gives an array from <see cref="RentInts"/> back.</summary>
    public static void ReturnInts(int[] array) => Ints.Return(array);

    private sealed class ArrayBuckets<T>
    {
        // Arrays beyond this many per size are left to the GC so a one-off burst cannot pin memory forever.
        private const int MaxPerSize = 64;
        private readonly Dictionary<int, Stack<T[]>> _bySize = [];
        private readonly Lock _lock = new();

        public T[] Rent(int length)
        {
            if (length == 0) return [];
            lock (_lock)
            {
                if (_bySize.TryGetValue(length, out var stack) && stack.Count > 0) return stack.Pop();
            }
            return GC.AllocateUninitializedArray<T>(length);
        }

        public void Return(T[] array)
        {
            if (array.Length == 0) return;
            lock (_lock)
            {
                if (!_bySize.TryGetValue(array.Length, out var stack))
                {
                    stack = new Stack<T[]>();
                    _bySize[array.Length] = stack;
                }
                if (stack.Count < MaxPerSize) stack.Push(array);
            }
        }
    }
}
