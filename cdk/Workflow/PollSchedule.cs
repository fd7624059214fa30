namespace TranscribeStack.Cdk.Workflow;

/// <summary>
/// The waits between polls of a transcription job, computed at synth time and carried in the
/// execution (the state machine picks wait <c>n</c> for poll <c>n</c>). Each wait is a fixed fraction of
/// the time already waited, so the delay between a job finishing and the workflow noticing stays
/// within that fraction of the job's length, while long jobs need few polls; it never drops below
/// the first delay and never exceeds the cap.
/// </summary>
public static class PollSchedule
{
    /// <summary>Fraction of the elapsed time waited before the next poll.</summary>
    public const double GrowthFraction = 0.1;

    public static IReadOnlyList<int> Compute(int firstDelaySeconds, int maxIntervalSeconds, int polls)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstDelaySeconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIntervalSeconds, firstDelaySeconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(polls, 1);

        var waits = new int[polls];
        long elapsed = 0;
        for (var i = 0; i < polls; i++)
        {
            var grown = (int)Math.Min(int.MaxValue, (long)Math.Ceiling(elapsed * GrowthFraction));
            waits[i] = Math.Clamp(grown, firstDelaySeconds, maxIntervalSeconds);
            elapsed += waits[i];
        }

        return waits;
    }
}
