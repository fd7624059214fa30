// Object storage in memory: s3://bucket/key -> object. Holds the uploaded media (the executor puts
// the upload an event announces) and the transcripts the Transcribe stand-in writes.

export class FakeS3 extends Map {
  put(bucket, key, body = {}) {
    this.set(`s3://${bucket}/${key}`, body);
  }
}
