using System;
using System.Linq;
using System.Threading;
using SparseGen.Kernels;

namespace SparseGen.Runtime.Tests;

/// <summary>Predict's intra-op team and PredictBatch's job: every part and group runs once per call, whatever the threads.</summary>
public sealed class ThreadingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void The_team_runs_every_part_of_every_layer_once_per_call(int threads)
    {
        var runs = new int[3, 8];
        var arena = new float[4];
        var team = new IntraOpTeam((layer, part, a) =>
        {
            Assert.Same(arena, a);
            Interlocked.Increment(ref runs[layer, part]);
        });

        for (var call = 0; call < 20; call++)
        {
            team.Begin(arena, threads);
            team.Run(0, 8);
            team.Run(1, 3);
            team.Run(2, 8);
            team.End();
        }

        Assert.InRange(team.Helpers, 0, threads - 1);
        for (var part = 0; part < 8; part++)
        {
            Assert.Equal(20, runs[0, part]);
            Assert.Equal(part < 3 ? 20 : 0, runs[1, part]);
            Assert.Equal(20, runs[2, part]);
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(37, 4, 2)]
    [InlineData(100, 16, 3)]
    public void The_batch_job_runs_every_sample_once_in_groups(int batch, int groupSize, int workers)
    {
        var inputs = Enumerable.Range(0, batch).Select(i => (float)i).ToArray();
        var outputs = new float[batch];
        var job = new BatchJob((input, output, first, count) =>
        {
            Assert.InRange(count, 1, groupSize);
            for (var i = first; i < first + count; i++)
            {
                output[i] += input[i] + 1f;
            }
        });

        job.Run(inputs, outputs, batch, groupSize, workers);

        Assert.Equal(inputs.Select(v => v + 1f), outputs);
    }
}
