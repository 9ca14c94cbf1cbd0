using System.Security.Cryptography;
using System.Text;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Grpo;

/// <summary>
/// Addition and subtraction problems at a difficulty level (operands of 0 to <see cref="Digits"/> decimal digits, drawn uniformly
/// from [0, 10^digits)), with a train / held-out split that no seed can break: whether a problem is held out is a pure function
/// of its prompt text (the first 8 bytes of SHA-256("trainswarm-arith-split:" + prompt), mod 10,000, below the held-out share in
/// basis points). <see cref="Train"/> rejects every held-out problem and <see cref="HeldOut"/> returns only held-out ones, so the
/// two sets are disjoint by construction, for any seeds, counts and processes; tests check it over the whole problem space.
/// </summary>
public sealed class ArithmeticTasks
{
    private const string SplitSalt = "trainswarm-arith-split:";

    /// <param name="digits">Difficulty: the most digits an operand has (1 to 6).</param>
    /// <param name="heldOutBps">Share of all problems reserved for evaluation, in basis points (1 to 5,000).</param>
    public ArithmeticTasks(int digits, int heldOutBps = 1000)
    {
        if (digits is < 1 or > 6) throw new ArgumentOutOfRangeException(nameof(digits), $"digits must be 1 to 6; got {digits}");
        if (heldOutBps is < 1 or > 5000) 
            throw new ArgumentOutOfRangeException(nameof(heldOutBps), $"the held-out share must be 1 to 5000 bps; got {heldOutBps}");
        Digits = digits;
        HeldOutBps = heldOutBps;
        OperandLimit = (int)Math.Pow(10, digits);
    }

    /// <summary>The difficulty: operands are below 10^Digits.</summary>
    public int Digits { get; }

    /// <summary>Share of problems held out, basis points.</summary>
    public int HeldOutBps { get; }

    /// <summary>Operands are in [0, OperandLimit).</summary>
    public int OperandLimit { get; }

    /// <summary>Number of distinct problems at this difficulty: both operators over every operand pair.</summary>
    public long SpaceSize => 2L * OperandLimit * OperandLimit;

    /// <summary>The most distinct held-out problems <see cref="HeldOut"/> draws: half the expected held-out set, so the draw ends fast.</summary>
    public int MaxHeldOutCount => (int)Math.Min(int.MaxValue, SpaceSize * HeldOutBps / 10_000 / 2);

    /// <summary>Longest answer plus its newline: what a sampler needs to generate at most (a '-' and Digits + 1 digits, then '\n').</summary>
    public int MaxCompletionTokens => Digits + 3;

    /// <summary>Whether <paramref name="problem"/> belongs to the held-out set (fixed by its text alone).</summary>
    public bool IsHeldOut(ArithmeticProblem problem)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(SplitSalt + problem.Prompt), hash);
        ulong h = BitConverter.ToUInt64(hash[..8]);
        return h % 10_000 < (ulong)HeldOutBps;
    }

    /// <summary>
    /// <paramref name="count"/> training problems drawn from <paramref name="seed"/> (repeats possible, as a stream of fresh problems
    /// is), never a held-out one.
    /// </summary>
    public IReadOnlyList<ArithmeticProblem> Train(int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var rng = new Rng(seed);
        var problems = new List<ArithmeticProblem>(count);
        while (problems.Count < count)
        {
            var p = Draw(rng);
            if (!IsHeldOut(p)) problems.Add(p);
        }
        return problems;
    }

    /// <summary><paramref name="count"/> distinct held-out problems drawn from <paramref name="seed"/>, in the order drawn.</summary>
    public IReadOnlyList<ArithmeticProblem> HeldOut(int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        // The held-out set holds about SpaceSize × bps / 10⁴ problems; asking for more than half of them would make the draw crawl.
        if (count > MaxHeldOutCount)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"{count} held-out problems is more than half of the ~{2L * MaxHeldOutCount} held out at {Digits} digit(s)");
        var rng = new Rng(seed);
        var seen = new HashSet<ArithmeticProblem>();
        var problems = new List<ArithmeticProblem>(count);
        while (problems.Count < count)
        {
            var p = Draw(rng);
            if (IsHeldOut(p) && seen.Add(p)) problems.Add(p);
        }
        return problems;
    }

    private ArithmeticProblem Draw(Rng rng)
    {
        int left = rng.NextInt(OperandLimit);
        char op = rng.NextInt(2) == 0 ? '+' : '-';
        return new ArithmeticProblem(left, op, rng.NextInt(OperandLimit));
    }
}
