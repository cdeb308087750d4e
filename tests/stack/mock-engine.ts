import * as pulumi from "@pulumi/pulumi";

/** One resource as the mocked engine saw it register. */
export interface Registered {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, any>;
  /** Provider reference `urn::id`, when the resource names one. */
  provider?: string;
  parent: string;
  dependencies: string[];
}

const ACCOUNT = "123456789012";
const REGION = "us-east-1";

/** What AWS would report after create: the ARNs and URLs other resources consume. */
function outputsFor(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  const physical = inputs.name ?? `${name}-0000000`;
  switch (type) {
    case "aws:lambda/function:Function":
      return {
        name: physical,
        arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${physical}`,
        version: inputs.publish ? "1" : "$LATEST",
      };
    case "aws:lambda/alias:Alias":
      return { arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${inputs.functionName}:${inputs.name}` };
    case "aws:iam/role:Role":
      return { name: physical, arn: `arn:aws:iam::${ACCOUNT}:role/${physical}` };
    case "aws:sqs/queue:Queue":
      return {
        name: physical,
        arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${physical}`,
        url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physical}`,
      };
    case "aws:dynamodb/table:Table":
      return { name: physical, arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${physical}` };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { name: physical, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${physical}` };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return { name: physical, arn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${physical}` };
    default:
      return {};
  }
}

/**
 * Installs Pulumi's mocks (global state; other spec files may install their own, so call this in a
 * `before` hook) and records every registration, with the dependencies the mocks API hides.
 */
export function installMockEngine(project = "tap", stack = "unit"): Registered[] {
  const registered: Registered[] = [];
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        const outputs = { ...args.inputs, ...outputsFor(args.type, args.name, args.inputs) };
        registered.push({
          type: args.type,
          name: args.name,
          urn: "",
          inputs: args.inputs,
          provider: args.provider || undefined,
          parent: "",
          dependencies: [],
        });
        return { id: `${args.name}-id`, state: outputs };
      },
      call(args) {
        return args.inputs;
      },
    },
    project,
    stack,
    false,
  );
  // The mocks' newResource sees no parent or dependencies; the monitor's request carries them.
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: any, res: any) => void) =>
    register(req, (err: any, res: any) => {
      const entry = registered.find((r) => r.urn === "" && r.type === req.getType() && r.name === req.getName());
      if (entry && res) {
        entry.urn = res.getUrn();
        entry.parent = req.getParent();
        entry.dependencies = req.getDependenciesList();
      }
      callback(err, res);
    });
  return registered;
}

/** Resolves once every given resource has been registered with the (mock) engine. */
export function registeredAll(resources: (pulumi.Resource | undefined)[]): Promise<void> {
  return new Promise((resolve) =>
    pulumi.all(resources.filter((r) => r !== undefined).map((r) => r!.urn)).apply(() => resolve()),
  );
}

/** Resolves an Output's value. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}
