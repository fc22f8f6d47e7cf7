using System;

namespace FashionMnist.Train;

/// <summary>A one-line progress bar with the running loss and accuracy, redrawn in place on a terminal.</summary>
internal sealed class Progress
{
    private const int Width = 30;
    private readonly string _label;
    private readonly long _total;
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private int _lastDrawn = -1;

    public Progress(string label, long total)
    {
        _label = label;
        _total = total;
    }

    public void Report(long done, double loss, double accuracy)
    {
        var percent = (int)(100 * done / _total);
        if (!_interactive || percent == _lastDrawn)
        {
            return;
        }

        _lastDrawn = percent;
        var filled = Width * percent / 100;
        Console.Write($"\r{_label} [{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}%  loss {loss:F4}  accuracy {accuracy:P1}   ");
    }

    public void Finish(string summary)
    {
        if (_interactive)
        {
            Console.Write('\r' + new string(' ', Width + _label.Length + 50) + '\r');
        }

        Console.WriteLine(summary);
    }
}
