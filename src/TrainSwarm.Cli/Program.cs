using TrainSwarm.Cli;

return await SwarmApp.RunAsync(args, SwarmApp.CreateConsole(Console.Out, Console.IsOutputRedirected));
