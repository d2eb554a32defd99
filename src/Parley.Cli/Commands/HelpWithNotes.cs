using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Parley.Cli.Commands;

/// <summary>
/// The standard help, then the notes of the command it was asked for (a paragraph of how-to that
/// belongs under that command's options, not in its one-line description, which `parley --help`
/// lists too).
/// </summary>
public sealed class HelpWithNotes(HelpAction standard, IReadOnlyDictionary<Command, string> notes) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var exit = standard.Invoke(parseResult);
        if (notes.TryGetValue(parseResult.CommandResult.Command, out var text))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(text);
            output.WriteLine();
        }
        return exit;
    }

    /// <summary>Puts this in place of the root's help action (which serves its subcommands too).</summary>
    public static void Install(RootCommand root, IReadOnlyDictionary<Command, string> notes)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithNotes((HelpAction)help.Action!, notes);
    }
}
