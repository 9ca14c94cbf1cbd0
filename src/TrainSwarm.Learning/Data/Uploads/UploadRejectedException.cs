namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>
/// An upload that cannot become a dataset. The message names the file, line or entry at fault, so a creator can fix it;
/// the coordinator answers it with a 422 and stores nothing.
/// </summary>
public sealed class UploadRejectedException : Exception
{
    /// <summary>Creates the exception; <paramref name="where"/> is the file, line or entry ("data.csv line 7").</summary>
    public UploadRejectedException(string where, string problem) : base($"{where}: {problem}") { }

    /// <summary>Creates the exception wrapping the error that revealed the problem.</summary>
    public UploadRejectedException(string where, string problem, Exception inner) : base($"{where}: {problem}", inner) { }

    /// <summary>Creates the exception with a plain message.</summary>
    public UploadRejectedException(string message) : base(message) { }

    /// <summary>Creates the exception with a plain message and its cause.</summary>
    public UploadRejectedException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception without a message; prefer the overloads that say where.</summary>
    public UploadRejectedException() { }
}
