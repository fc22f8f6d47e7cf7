using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.IO;

namespace SparseGen.Cli;

/// <summary>The verbs of <c>sparsegen</c>; callable in-process with any writers, as the tests do.</summary>
internal static class CommandLine
{
    public const int Success = 0;
    public const int Disagreement = 1;
    public const int ModelOrUsageError = 2;

    /// <summary>What <c>sparsegen --help</c> says under the usage line: what the tool does, examples and exit codes.</summary>
    private const string Description = """
        Inspect pruned ONNX models and check SparseGen's reference evaluator against ONNX Runtime. The models are
        compiled into code by the SparseGen package's source generator; this tool shows what it will see.

        Examples:
          sparsegen inspect model.onnx               the graph and a per-layer table of parameters, nonzeros, sparsity and MACs
          sparsegen inspect model.onnx --optimized   the same after BatchNorm folding, activation fusion and dead channels
          sparsegen inspect model.onnx --json        one JSON object, for scripts
          sparsegen compare model.onnx --samples 1000 --seed 7

        Exit codes:
          0  success
          1  compare: the reference evaluator and ONNX Runtime differ by more than the tolerance
          2  the model cannot be read or run (the message gives an error id SGM0xx, the node and what to do), or bad arguments
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // A plain command named as the installed tool is, rather than RootCommand, which takes the name of whatever
        // process hosts it (SparseGen.Cli, or a test host).
        var root = new Command("sparsegen", Description)
        {
            new HelpOption(),
            new VersionOption(),
            InspectCommand.Create(stdout, stderr),
            CompareCommand.Create(stdout, stderr),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine($"error: {error.Message}");
            }

            stderr.WriteLine("Run 'sparsegen --help' for usage.");
            return ModelOrUsageError;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Never a stack trace: what failed, in one line, with exit code 2.
            stderr.WriteLine($"error: sparsegen failed: {e.GetType().Name}: {e.Message} This is a bug in SparseGen; please report it with the model and the command line.");
            return ModelOrUsageError;
        }
    }
}
