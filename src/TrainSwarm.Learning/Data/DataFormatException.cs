namespace TrainSwarm.Learning.Data;

/// <summary>A data file is malformed, truncated, or not the file a catalog entry expects.</summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception; the message starts with the file so a person can find it.</summary>
    public DataFormatException(string file, string problem) : base($"{file}: {problem}")
    {
        File = file;
    }

    /// <summary>Creates the exception wrapping the error that revealed the problem.</summary>
    public DataFormatException(string file, string problem, Exception inner) : base($"{file}: {problem}", inner)
    {
        File = file;
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public DataFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a plain message and its cause.</summary>
    public DataFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception without a message; prefer the overloads that name the file.</summary>
    public DataFormatException() { }

    /// <summary>The file (path or name) at fault, when known.</summary>
    public string? File { get; }
}
