// StartExecution's throttling quota, Standard and Express, as the stand-in enforces and records it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualTime } from './virtual-time.mjs';
import { FakeExecutions, START_EXECUTION_QUOTAS, standardStartExecutionQuota, stateMachineArnOf } from './step-functions.mjs';

const stateMachineArn = stateMachineArnOf('Workflow');

/** Calls StartExecution `count` times at the current (virtual) time; how many were throttled. */
function startMany(executions, count, prefix) {
  let throttled = 0;
  for (let i = 0; i < count; i++) {
    try {
      executions.start({ StateMachineArn: stateMachineArn, Name: `${prefix}-${i}`, Input: '{}' });
    } catch (e) {
      assert.equal(e.name, 'StepFunctions.ThrottlingException');
      throttled++;
    }
  }
  return throttled;
}

async function withClock(action) {
  const clock = new VirtualTime({ start: 0 }).install();
  try {
    return await action((seconds) => clock.run(new Promise((resolve) => setTimeout(resolve, seconds * 1000))));
  } finally {
    clock.uninstall();
  }
}

test('the published quotas: Standard 1,300 + 300/s in us-east-1, us-west-2 and eu-west-1, 800 + 150/s elsewhere; Express 6,000 + 6,000/s', () => {
  for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) assert.deepEqual([standardStartExecutionQuota(region).bucket, standardStartExecutionQuota(region).perSecond], [1_300, 300]);
  for (const region of ['eu-central-1', 'ap-southeast-2', 'us-east-2']) assert.deepEqual([standardStartExecutionQuota(region).bucket, standardStartExecutionQuota(region).perSecond], [800, 150]);
  assert.deepEqual([START_EXECUTION_QUOTAS.express.bucket, START_EXECUTION_QUOTAS.express.perSecond], [6_000, 6_000]);
});

for (const [label, rate] of [['Standard, us-east-1', standardStartExecutionQuota('us-east-1')], ['Standard, other Regions', standardStartExecutionQuota('eu-central-1')], ['Express', START_EXECUTION_QUOTAS.express]]) {
  test(`StartExecution (${label}): a burst beyond the bucket is throttled, and a second refills the rate`, async () => {
    const executions = await withClock(async (sleep) => {
      const executions = new FakeExecutions({ stateMachineArn, rate, run: () => new Promise(() => {}) }); // its bucket full at time 0
      assert.equal(startMany(executions, rate.bucket + 100, 'burst'), 100);
      await sleep(1);
      assert.equal(startMany(executions, rate.perSecond + 10, 'refill'), 10);
      return executions;
    });

    const { StartExecution: record } = executions.apiRates();
    assert.deepEqual([record.calls, record.throttled, executions.throttled], [rate.bucket + rate.perSecond + 110, 110, 110]);
    assert.equal(record.acceptedPeakPerSecond, rate.bucket, 'no second accepts more than the bucket');
    assert.equal(record.acceptedPeakPerMinute, rate.bucket + rate.perSecond);
  });
}

test('without a rate no StartExecution is throttled, and every call is recorded', () => {
  const executions = new FakeExecutions({ stateMachineArn, run: () => new Promise(() => {}) });
  assert.equal(startMany(executions, 5_000, 'x'), 0);
  assert.deepEqual([executions.apiRates().StartExecution.calls, executions.apiRates().StartExecution.peakPerSecond], [5_000, 5_000]);
});
