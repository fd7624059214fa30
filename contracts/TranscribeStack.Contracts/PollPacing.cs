namespace TranscribeStack.Contracts;

/// <summary>
/// The waits of one job's polling, as the state machine follows them: wait <see cref="WaitSeconds"/>,
/// poll; while the job runs, take the next entry of <see cref="LaterWaitSeconds"/> and poll again;
/// after <see cref="LaterPolls"/> later polls the job is given up. Field names are the state
/// machine's JSON paths (<c>$.job.polling.*</c>).
/// </summary>
public sealed record PollingPlan(
    int WaitSeconds,
    IReadOnlyList<int> LaterWaitSeconds,
    int LaterPolls,
    int LaterPollsMade,
    long GivesUpAfterSeconds);

/// <summary>
/// Paces the backstop polls of one transcription job. A finished job is noticed by Transcribe's
/// completion event within seconds, and when that event is lost by the finished-job sweep within its
/// interval (<c>Notification/FinishedJobSweep</c>): the execution's wait for the job is only bounded
/// by this plan, so that a job is still polled and given up if both of those fail. The first wait is
/// the longest interval, or <see cref="SlowJobFactor"/> times the job's expected length when that is
/// longer, so a job that takes up to that many times its estimate, or waits in Transcribe's queue up to
/// the longest interval, costs no poll but the one that reads its result; each later wait is the
/// longest interval again (jittered), and the last ends at the give-up time.
/// Shared by the Lambda (plans every job) and the CDK app (validates the settings).
/// </summary>
public sealed record PollPacing
{
    /// <summary>A job expected to take longer than the longest interval is first polled this many times its expected length after the start.</summary>
    public const int SlowJobFactor = 3;

    /// <summary>Most polls one plan may hold: the plan travels in the execution's state (256 KB limit).</summary>
    public const int MaxPolls = 1000;

    /// <summary>
    /// Each later wait is shortened by up to this part, by a fraction drawn from the job's own seed, so
    /// executions started together do not poll in lockstep (only shortened: the lag bound still holds).
    /// </summary>
    public const double JitterFraction = 0.1;

    public PollPacing(int minIntervalSeconds, int maxIntervalSeconds, long givesUpAfterSeconds, double jobSecondsPerAudioSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minIntervalSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIntervalSeconds, minIntervalSeconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(givesUpAfterSeconds, minIntervalSeconds);
        if (!double.IsFinite(jobSecondsPerAudioSecond) || jobSecondsPerAudioSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(jobSecondsPerAudioSecond), jobSecondsPerAudioSecond, "must be a positive number.");
        }

        MinIntervalSeconds = minIntervalSeconds;
        MaxIntervalSeconds = maxIntervalSeconds;
        GivesUpAfterSeconds = givesUpAfterSeconds;
        JobSecondsPerAudioSecond = jobSecondsPerAudioSecond;
    }

    /// <summary>Shortest wait between two polls (a jittered later wait is never shorter; the last one may be).</summary>
    public int MinIntervalSeconds { get; }

    /// <summary>How long an execution waits for its job's completion before polling it anyway (unless the job is expected to take longer).</summary>
    public int MaxIntervalSeconds { get; }

    /// <summary>The waits add up to this: a job still running then is given up.</summary>
    public long GivesUpAfterSeconds { get; }

    /// <summary>Expected transcription time per second of audio.</summary>
    public double JobSecondsPerAudioSecond { get; }

    /// <summary>The job length this pacing expects for media of the given length, at least one second.</summary>
    public int ExpectedJobSeconds(int expectedAudioSeconds) =>
        (int)Math.Clamp(Math.Ceiling(Math.Max(expectedAudioSeconds, 0) * JobSecondsPerAudioSecond), 1, int.MaxValue);

    /// <summary>
    /// The most polls a plan holds: that of the shortest job (its first wait is the longest interval, no
    /// longer) with every later wait shortened by the whole <see cref="JitterFraction"/> (shorter waits only add polls).
    /// </summary>
    public int MostPolls => Waits(1, _ => 1 - JitterFraction).Count;

    /// <summary>
    /// The polling plan of a job expected to take <paramref name="expectedJobSeconds"/>; with a
    /// <paramref name="jitterSeed"/> its later waits are jittered (the same seed, the same plan).
    /// </summary>
    public PollingPlan Plan(int expectedJobSeconds, ulong? jitterSeed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedJobSeconds, 1);
        var waits = Waits(expectedJobSeconds, poll => jitterSeed is { } seed ? 1 - (JitterFraction * Uniform(seed, poll)) : 1);
        if (waits.Count > MaxPolls)
        {
            throw new InvalidOperationException(
                $"Polling every {MinIntervalSeconds}-{MaxIntervalSeconds} s for {GivesUpAfterSeconds} s takes {waits.Count} polls, more than {MaxPolls}.");
        }

        return new PollingPlan(waits[0], waits[1..], waits.Count - 1, 0, GivesUpAfterSeconds);
    }

    /// <param name="expectedJobSeconds">The job's expected length: it sets the first wait when it is long.</param>
    /// <param name="laterFactor">For later wait n (1, 2, ...), the factor in (1 - JitterFraction, 1] it is shortened by.</param>
    private List<int> Waits(int expectedJobSeconds, Func<int, double> laterFactor)
    {
        var waits = new List<int>();
        long waited = 0;
        var next = (int)Math.Min(Math.Max((long)expectedJobSeconds * SlowJobFactor, MaxIntervalSeconds), int.MaxValue);
        while (waited < GivesUpAfterSeconds)
        {
            // The last wait ends exactly at the give-up time.
            next = (int)Math.Min(next, GivesUpAfterSeconds - waited);
            waits.Add(next);
            waited += next;
            next = (int)Math.Max(MinIntervalSeconds, Math.Floor(MaxIntervalSeconds * laterFactor(waits.Count)));
        }

        return waits;
    }

    /// <summary>A number in [0, 1) from the seed and the poll (SplitMix64): the same inputs, the same number.</summary>
    private static double Uniform(ulong seed, int poll)
    {
        var z = seed + ((ulong)poll * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
