namespace TrainSwarm.Cuda.Selection;

/// <summary>`--device cuda` was asked for and the driver or the device is missing; the message is one line naming what.</summary>
public sealed class DeviceUnavailableException(string message) : Exception(message);
