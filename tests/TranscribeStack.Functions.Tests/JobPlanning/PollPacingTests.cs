using TranscribeStack.Contracts;

namespace TranscribeStack.Functions.Tests.JobPlanning;

/// <summary>The backstop plan: shortest 60 s, longest 3 h, give up after 10 h, half real time (Fixture.Pacing).</summary>
public sealed class PollPacingTests
{
    private static readonly PollPacing Pacing = Fixture.Pacing;

    [Theory]
    [InlineData(1, 10_800)]
    [InlineData(60, 10_800)]
    [InlineData(3_600, 10_800)]
    [InlineData(3_601, 10_803)]
    [InlineData(7_200, 21_600)]
    [InlineData(14_400, 36_000)]
    public void FirstWait_IsTheLongestInterval_OrThreeTimesALongerJob_UpToTheGiveUpTime(int expectedJobSeconds, int firstWait)
    {
        Assert.Equal(firstWait, Pacing.Plan(expectedJobSeconds).WaitSeconds);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3_601)]
    public void LaterWaits_AreTheLongestInterval_AndTheLastEndsAtTheGiveUpTime(int expectedJobSeconds)
    {
        var plan = Pacing.Plan(expectedJobSeconds);

        Assert.All(plan.LaterWaitSeconds.SkipLast(1), wait => Assert.Equal(10_800, wait));
        Assert.Equal(36_000, plan.WaitSeconds + plan.LaterWaitSeconds.Sum(w => (long)w));
        Assert.Equal(36_000, plan.GivesUpAfterSeconds);
        Assert.Equal(plan.LaterWaitSeconds.Count, plan.LaterPolls);
        Assert.Equal(0, plan.LaterPollsMade);
    }

    [Fact]
    public void AnyJob_IsPolledAtMostFourTimes_BeforeItIsGivenUp()
    {
        // 3 h, 3 h, 3 h, then the last hour: the events and the sweep notice jobs, the plan only backs them up.
        Assert.Equal([10_800, 10_800, 3_600], Pacing.Plan(1).LaterWaitSeconds);
        Assert.Equal(4, Pacing.MostPolls);
    }

    [Fact]
    public void ShortGiveUpTime_EndsTheFirstWaitThere()
    {
        var plan = new PollPacing(10, 300, 120, 0.5).Plan(600);

        Assert.Equal(120, plan.WaitSeconds);
        Assert.Empty(plan.LaterWaitSeconds);
    }

    [Fact]
    public void TooManyPolls_AreRefusedWithTheCount()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PollPacing(1, 1, 5_000, 1).Plan(1));

        // The first wait is 3 s (three times the 1-second job), then 4,997 waits of 1 s.
        Assert.Contains("4998 polls, more than 1000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(100, 50)]
    [InlineData(1_000, 500)]
    public void ExpectedJobSeconds_IsTheAudioLengthTimesTheRatioRoundedUpAtLeastOne(int audioSeconds, int jobSeconds)
    {
        Assert.Equal(jobSeconds, Pacing.ExpectedJobSeconds(audioSeconds));
    }

    [Theory]
    [InlineData(0, 10, 100, 1.0)]
    [InlineData(10, 5, 100, 1.0)]
    [InlineData(10, 20, 5, 1.0)]
    [InlineData(10, 20, 100, 0.0)]
    [InlineData(10, 20, 100, double.NaN)]
    public void InvalidSettings_Throw(int min, int max, long giveUp, double ratio)
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new PollPacing(min, max, giveUp, ratio));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(14_400)]
    public void Jitter_ShortensLaterWaitsByAtMostATenth_AndStillEndsAtTheGiveUpTime(int expectedJobSeconds)
    {
        var paced = Pacing.Plan(expectedJobSeconds);
        var jittered = Pacing.Plan(expectedJobSeconds, jitterSeed: 42);

        Assert.Equal(paced.WaitSeconds, jittered.WaitSeconds);
        Assert.Equal(Pacing.GivesUpAfterSeconds, jittered.WaitSeconds + jittered.LaterWaitSeconds.Sum(w => (long)w));
        Assert.True(jittered.LaterPolls + 1 <= Pacing.MostPolls, $"{jittered.LaterPolls + 1} polls, bound {Pacing.MostPolls}");
        Assert.All(jittered.LaterWaitSeconds.SkipLast(1), wait => Assert.InRange(wait, (int)Math.Floor(10_800 * (1 - PollPacing.JitterFraction)), 10_800));
    }

    [Fact]
    public void Jitter_SpreadsJobsStartedTogether_AndKeepsEachJobsPlan()
    {
        var plans = Enumerable.Range(0, 50).Select(seed => Pacing.Plan(600, (ulong)seed)).ToList();

        Assert.True(plans.Select(p => p.LaterWaitSeconds[0]).Distinct().Count() > 5, "fifty jobs of one length poll at more than five different times");
        Assert.Equal(plans[7].LaterWaitSeconds, Pacing.Plan(600, 7).LaterWaitSeconds);
    }
}
