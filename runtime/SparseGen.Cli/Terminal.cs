using System;
using System.IO;
using Spectre.Console;

namespace SparseGen.Cli;

/// <summary>A Spectre.Console over any writer: colours on a terminal, plain and wide when redirected or captured.</summary>
internal static class Terminal
{
    public static IAnsiConsole For(TextWriter writer)
    {
        var interactive = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!interactive)
        {
            // Tables must not wrap in files, pipes and tests.
            console.Profile.Width = 200;
        }

        return console;
    }
}
