using System;
using SparseGen.Cli;

return CommandLine.Run(args, Console.Out, Console.Error);
