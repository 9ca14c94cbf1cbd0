namespace TrainSwarm.Nn.Serialization;

/// <summary>A safetensors file is malformed, or does not hold what the caller asked for.</summary>
public sealed class SafeTensorsFormatException : Exception
{
    /// <summary>Creates the exception with a message that names the problem.</summary>
    public SafeTensorsFormatException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the error that revealed the problem.</summary>
    public SafeTensorsFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception without a message; prefer the overloads that say what is wrong.</summary>
    public SafeTensorsFormatException() { }
}
