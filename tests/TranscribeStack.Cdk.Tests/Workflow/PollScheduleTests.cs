using TranscribeStack.Cdk.Workflow;

namespace TranscribeStack.Cdk.Tests.Workflow;

public sealed class PollScheduleTests
{
    [Fact]
    public void Compute_StartsAtTheFirstDelayAndNeverExceedsTheCap()
    {
        var waits = PollSchedule.Compute(10, 300, 200);

        Assert.Equal(200, waits.Count);
        Assert.All(waits, w => Assert.InRange(w, 10, 300));
        Assert.Equal(10, waits[0]);
        Assert.Equal(300, waits[^1]);
    }

    [Fact]
    public void Compute_NeverShrinks()
    {
        var waits = PollSchedule.Compute(10, 300, 200);

        Assert.All(waits.Zip(waits.Skip(1)), pair => Assert.True(pair.Second >= pair.First));
    }

    [Fact]
    public void Compute_EachWaitIsAtMostATenthOfTheTimeAlreadyWaitedOnceAboveTheFloor()
    {
        var waits = PollSchedule.Compute(10, 3600, 100);
        long elapsed = 0;
        foreach (var wait in waits)
        {
            Assert.True(wait == 10 || wait <= Math.Ceiling(elapsed * PollSchedule.GrowthFraction), $"wait {wait} after {elapsed}s");
            elapsed += wait;
        }
    }

    [Theory]
    [InlineData(0, 10, 1)]
    [InlineData(10, 5, 1)]
    [InlineData(10, 20, 0)]
    public void Compute_InvalidArguments_Throw(int first, int cap, int polls)
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => PollSchedule.Compute(first, cap, polls));
    }
}
