using TranscribeStack.Contracts;
using TranscribeStack.Functions.JobPlanning;

namespace TranscribeStack.Functions.Tests.JobPlanning;

public sealed class PollPacingTests
{
    private static readonly PollPacing Pacing = Fixture.Pacing;

    [Theory]
    [InlineData(60, 66)]
    [InlineData(150, 165)]
    [InlineData(271, 299)]
    public void FirstPoll_ComesATenthAfterTheExpectedEnd(int expectedJobSeconds, int firstWait)
    {
        Assert.Equal(firstWait, Pacing.Plan(expectedJobSeconds).WaitSeconds);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(9, 10)]
    [InlineData(273, 300)]
    [InlineData(301, 300)]
    [InlineData(14_400, 300)]
    public void FirstWait_StaysWithinTheShortestAndLongestInterval(int expectedJobSeconds, int firstWait)
    {
        Assert.Equal(firstWait, Pacing.Plan(expectedJobSeconds).WaitSeconds);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(900)]
    [InlineData(14_400)]
    public void LaterWaits_AreTheShortestIntervalPlusATenthOfTheTimeWaitedUpToTheLongest(int expectedJobSeconds)
    {
        var plan = Pacing.Plan(expectedJobSeconds);
        long waited = plan.WaitSeconds;

        foreach (var wait in plan.LaterWaitSeconds.SkipLast(1))
        {
            // So a job finishing just after a poll at time t is seen within 10 s + 10% of t.
            Assert.Equal(Math.Min(10 + (int)Math.Ceiling(waited * PollPacing.GrowthFraction), 300), wait);
            waited += wait;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(299)]
    [InlineData(14_400)]
    [InlineData(200_000)]
    public void Waits_EndExactlyAtTheGiveUpTime(int expectedJobSeconds)
    {
        var plan = Pacing.Plan(expectedJobSeconds);

        Assert.Equal(36_000, plan.WaitSeconds + plan.LaterWaitSeconds.Sum(w => (long)w));
        Assert.Equal(36_000, plan.GivesUpAfterSeconds);
        Assert.Equal(plan.LaterWaitSeconds.Count, plan.LaterPolls);
        Assert.Equal(0, plan.LaterPollsMade);
        Assert.All(plan.LaterWaitSeconds, w => Assert.InRange(w, 1, 300));
    }

    [Fact]
    public void LongJobs_NeedFarFewerPollsThanAMinuteLoop()
    {
        // A four-hour job: the first poll after 5 minutes, then waits growing from 40 s to the 5-minute cap.
        var plan = Pacing.Plan(14_400);
        var pollsUntilDone = 1 + plan.LaterWaitSeconds.Select((_, i) => plan.WaitSeconds + plan.LaterWaitSeconds.Take(i + 1).Sum()).Count(t => t <= 14_400);

        Assert.Equal(40, plan.LaterWaitSeconds[0]);
        Assert.InRange(pollsUntilDone, 1, 240 / 3);
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

        Assert.Contains("5000 polls, more than 1000", error.Message, StringComparison.Ordinal);
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
    [InlineData(600)]
    [InlineData(14_400)]
    public void Jitter_ShortensLaterWaitsByAtMostATenthAndStillEndsAtTheGiveUpTime(int expectedJobSeconds)
    {
        var paced = Pacing.Plan(expectedJobSeconds);
        var jittered = Pacing.Plan(expectedJobSeconds, jitterSeed: 42);

        Assert.Equal(paced.WaitSeconds, jittered.WaitSeconds);
        Assert.Equal(Pacing.GivesUpAfterSeconds, jittered.WaitSeconds + jittered.LaterWaitSeconds.Sum(w => (long)w));
        Assert.True(jittered.LaterPolls <= Pacing.MostPolls, $"{jittered.LaterPolls + 1} polls, bound {Pacing.MostPolls}");
        long waited = jittered.WaitSeconds;
        foreach (var wait in jittered.LaterWaitSeconds.SkipLast(1))
        {
            var pacedWait = Math.Min(Pacing.MinIntervalSeconds + (int)Math.Ceiling(waited * PollPacing.GrowthFraction), Pacing.MaxIntervalSeconds);
            Assert.InRange(wait, Math.Max(Pacing.MinIntervalSeconds, (int)Math.Floor(pacedWait * (1 - PollPacing.JitterFraction))), pacedWait);
            waited += wait;
        }
    }

    [Fact]
    public void Jitter_SpreadsJobsStartedTogether_AndKeepsEachJobsPlan()
    {
        var plans = Enumerable.Range(0, 50).Select(seed => Pacing.Plan(600, (ulong)seed)).ToList();

        Assert.True(plans.Select(p => p.LaterWaitSeconds[3]).Distinct().Count() > 5, "fifty jobs of one length poll at more than five different times");
        Assert.Equal(plans[7].LaterWaitSeconds, Pacing.Plan(600, 7).LaterWaitSeconds);
    }
}
