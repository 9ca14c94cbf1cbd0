namespace TrainSwarm.Tensors.Threading;

/// <summary>
/// A small fixed set of background threads for the engine's parallel loops. The calling thread always takes
/// the first chunk itself. If another thread is already using the pool (two trainers in one process), the loop
/// simply runs on the caller: results are the same either way.
/// </summary>
public static class WorkerPool
{
    private static readonly Lock s_gate = new();
    private static Worker[] s_workers = [];

    // Set while this thread runs a chunk of a parallel loop: a kernel called from inside one (a GEMM per attention head)
    // then runs inline instead of re-entering the pool, whose lock is reentrant and whose workers are busy.
    [ThreadStatic] private static bool t_insideJob;

    /// <summary>Runs <paramref name="job"/> over [0, <paramref name="count"/>) using up to <see cref="Engine.Threads"/> threads.</summary>
    public static void Run(RangeJob job, int count, int minChunk = 1)
    {
        int threads = Math.Min(Engine.Threads, Math.Max(1, count / Math.Max(1, minChunk)));
        if (threads <= 1 || t_insideJob || !s_gate.TryEnter())
        {
            if (count > 0) job.Execute(0, count);
            return;
        }
        try
        {
            EnsureWorkers(threads - 1);
            job.Error = null;
            job.Pending = threads - 1;
            job.Done.Reset();
            for (int i = 1; i < threads; i++)
                s_workers[i - 1].Post(job, Split(count, threads, i), Split(count, threads, i + 1));
            try
            {
                t_insideJob = true;
                job.Execute(0, Split(count, threads, 1));
            }
            finally
            {
                t_insideJob = false;
                job.Done.Wait();
            }
            if (job.Error is { } e) throw new AggregateException("a parallel kernel failed", e);
        }
        finally
        {
            s_gate.Exit();
        }
    }

    private static int Split(int count, int parts, int i) => (int)((long)count * i / parts);

    private static void EnsureWorkers(int n)
    {
        if (s_workers.Length >= n) return;
        var workers = new Worker[n];
        Array.Copy(s_workers, workers, s_workers.Length);
        for (int i = s_workers.Length; i < n; i++) workers[i] = new Worker(i);
        s_workers = workers;
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _signal = new(0);
        private RangeJob? _job;
        private int _start, _end;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"trainswarm-worker-{index}" };
            thread.Start();
        }

        public void Post(RangeJob job, int start, int end)
        {
            _job = job;
            _start = start;
            _end = end;
            _signal.Release();
        }

        private void Loop()
        {
            t_insideJob = true;
            while (true)
            {
                // Spin briefly before sleeping: training posts a loop every few hundred microseconds.
                if (!_signal.Wait(0))
                {
                    var spin = new SpinWait();
                    bool got = false;
                    for (int i = 0; i < 50 && !got; i++)
                    {
                        spin.SpinOnce(sleep1Threshold: -1);
                        got = _signal.Wait(0);
                    }
                    if (!got) _signal.Wait();
                }
                var job = _job!;
                try
                {
                    job.Execute(_start, _end);
                }
                catch (Exception e)
                {
                    job.Error = e;
                }
                if (Interlocked.Decrement(ref job.Pending) == 0) job.Done.Set();
            }
        }
    }
}
