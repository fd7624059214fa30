using TranscribeStack.Contracts;

namespace TranscribeStack.Functions.Tests.JobPlanning;

/// <summary>The backstop plan: shortest 60 s, longest 240 s, give up after 10 h, half real time (Fixture.Pacing).</summary>
public sealed class PollPacingTests
{
    private static readonly PollPacing Pacing = Fixture.Pacing;

    [Fact]
    public void FirstWait_IsTheLongestInterval_WhateverTheJob()
    {
        // A lost completion event is noticed within the longest interval of the job's end, however long the job.
        Assert.Equal(240, Pacing.Plan().WaitSeconds);
        Assert.Equal(240, Pacing.Plan(jitterSeed: 99).WaitSeconds);
    }

    [Fact]
    public void LaterWaits_AreTheLongestInterval_AndTheLastEndsAtTheGiveUpTime()
    {
        var plan = Pacing.Plan();

        Assert.All(plan.LaterWaitSeconds.SkipLast(1), wait => Assert.Equal(240, wait));
        Assert.Equal(36_000, plan.WaitSeconds + plan.LaterWaitSeconds.Sum(w => (long)w));
        Assert.Equal(36_000, plan.GivesUpAfterSeconds);
        Assert.Equal(plan.LaterWaitSeconds.Count, plan.LaterPolls);
        Assert.Equal(0, plan.LaterPollsMade);
    }

    [Fact]
    public void MostPolls_IsThePlanWithEveryLaterWaitShortenedByTheWholeJitter()
    {
        // 240 s, then 216 s (240 less a tenth) until 10 h: 1 + ceil((36,000 - 240) / 216) waits.
        Assert.Equal(1 + (int)Math.Ceiling((36_000 - 240) / 216.0), Pacing.MostPolls);
    }

    [Fact]
    public void ShortGiveUpTime_EndsTheFirstWaitThere()
    {
        var plan = new PollPacing(10, 300, 120, 0.5).Plan();

        Assert.Equal(120, plan.WaitSeconds);
        Assert.Empty(plan.LaterWaitSeconds);
    }

    [Fact]
    public void TooManyPolls_AreRefusedWithTheCount()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PollPacing(1, 1, 5_000, 1).Plan());

        Assert.Contains("5000 polls, more than 480", error.Message, StringComparison.Ordinal);
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

    [Fact]
    public void Jitter_ShortensLaterWaitsByAtMostATenth_AndStillEndsAtTheGiveUpTime()
    {
        var paced = Pacing.Plan();
        var jittered = Pacing.Plan(jitterSeed: 42);

        Assert.Equal(paced.WaitSeconds, jittered.WaitSeconds);
        Assert.Equal(Pacing.GivesUpAfterSeconds, jittered.WaitSeconds + jittered.LaterWaitSeconds.Sum(w => (long)w));
        Assert.True(jittered.LaterPolls + 1 <= Pacing.MostPolls, $"{jittered.LaterPolls + 1} polls, bound {Pacing.MostPolls}");
        Assert.All(jittered.LaterWaitSeconds.SkipLast(1),
            wait => Assert.InRange(wait, (int)Math.Floor(240 * (1 - PollPacing.JitterFraction)), 240));
    }

    [Fact]
    public void Jitter_SpreadsJobsStartedTogether_AndKeepsEachJobsPlan()
    {
        var plans = Enumerable.Range(0, 50).Select(seed => Pacing.Plan((ulong)seed)).ToList();

        Assert.True(plans.Select(p => p.LaterWaitSeconds[0]).Distinct().Count() > 5,
            "fifty jobs started together poll at more than five different times");
        Assert.Equal(plans[7].LaterWaitSeconds, Pacing.Plan(7).LaterWaitSeconds);
    }
}
