// Per-test loopback AWS for live-audit tests: an isolated AWS environment (fake credentials, no real
// config files) around each test, and whichever mock server the test started closed after it.
import { isolateAwsEnvironment } from './env';
import { type AwsMock, type MockServerOptions, mockEndpoints, startAwsMock } from './server';
import { smallOrganization } from './worlds';

export function useAwsMock() {
  let environment: ReturnType<typeof isolateAwsEnvironment> | undefined;
  let running: AwsMock | undefined;
  beforeEach(() => {
    environment = isolateAwsEnvironment();
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    environment?.restore();
  });
  /** Start a mock serving `world`; it is closed after the test. */
  const start = async (options: MockServerOptions = {}, world = smallOrganization()): Promise<AwsMock> => {
    running = await startAwsMock(world, options);
    return running;
  };
  /** Start a mock and return the endpoints to hand to `loadLiveInput`. */
  const serve = async (options: MockServerOptions = {}, world = smallOrganization()) => {
    const mock = await start(options, world);
    return mockEndpoints(mock);
  };
  return {
    start,
    serve,
    /** The server the current test started. */
    get mock(): AwsMock {
      if (!running) throw new Error('no mock server started in this test');
      return running;
    },
    get environment(): ReturnType<typeof isolateAwsEnvironment> {
      if (!environment) throw new Error('the AWS environment is set up per test');
      return environment;
    },
  };
}
