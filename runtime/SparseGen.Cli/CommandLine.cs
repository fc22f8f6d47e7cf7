using System.CommandLine;
using System.IO;

namespace SparseGen.Cli;

/// <summary>The verbs of <c>sparsegen</c>; callable in-process with any writers, as the tests do.</summary>
internal static class CommandLine
{
    public const int Success = 0;
    public const int Disagreement = 1;
    public const int ModelOrUsageError = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("SparseGen: compile pruned ONNX models into specialised .NET code. This tool inspects models and checks the reference evaluator against ONNX Runtime.")
        {
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

        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }
}
