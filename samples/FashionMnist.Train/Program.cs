using System;
using System.IO;
using FashionMnist.Train;
using FashionMnistData = SparseGen.Pruning.Data.FashionMnist;
using static TorchSharp.torch;

Options options;
try
{
    options = Options.Parse(args);
}
catch (Exception error) when (error is ArgumentException or FormatException)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

try
{
    manual_seed(options.Seed);
    if (options.Threads > 0)
    {
        // On a shared or small machine, fewer intra-op threads than cores avoids OpenMP threads spinning against each other.
        set_num_threads(options.Threads);
    }

    using var train = Dataset.From(FashionMnistData.train(options.DataFolder));
    using var test = Dataset.From(FashionMnistData.test(options.DataFolder));
    var trainer = new Trainer(train, test, options.Seed);
    new Recipes(options, trainer, test).Run();
    return 0;
}
catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine(error.Message);
    return 1;
}
catch (ArgumentException error)
{
    // A recipe that cannot run with these options (an unknown recipe, a fraction that leaves a layer nothing).
    Console.Error.WriteLine(error.Message);
    return 2;
}
