// A request-rate quota as AWS services publish them: a bucket of `size` requests (by default one second's),
// refilled continuously at `perSecond`; a request finds a token or is throttled.
export class TokenBucket {
  constructor(perSecond, now, size = perSecond) {
    Object.assign(this, { perSecond, size, tokens: size, last: now });
  }

  /** Takes a token at time `now` (ms): false when the bucket is empty. */
  take(now) {
    if (this.perSecond === Infinity) return true;
    this.tokens = Math.min(this.size, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
