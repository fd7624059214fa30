// Test tool for the workflow behaviour tests (tests/workflow) and the limits judge (tests/judges): hosts
// the real C# job planner and its polling pacing, and answers one line of JSON per request line. See
// LocalInvoker for the protocol.
using TranscribeStack.Contracts;
using TranscribeStack.Functions.JobPlanning;
using TranscribeStack.LocalInvoke;

await LocalInvoker.RunAsync(Console.In, Console.Out, () => new JobPlannerHandler());
