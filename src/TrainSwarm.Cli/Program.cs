using Spectre.Console;
using TrainSwarm.Cli;

return await SwarmApp.RunAsync(args, AnsiConsole.Console);
