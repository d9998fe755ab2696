import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Construct } from "constructs";
import { assertProps } from "../validation";

export interface EventTopicProps {
  /** Topic name, e.g. prod-orders. */
  readonly topicName: string;
  /**
   * Customer-managed key the topic encrypts messages with. Publishers need kms:GenerateDataKey and
   * kms:Decrypt on it (the permission model's `publish` level grants them); SNS itself must be allowed
   * to use the key of every encrypted queue it delivers to (EcsKey's SNS statement).
   */
  readonly kmsKeyArn: string;
}

/**
 * An SNS topic for event fan-out: publishers send once, every subscribed worker queue gets a copy, and
 * no event is lost while a consumer is down (the queue keeps it). Encrypted at rest with the stack's key.
 */
export class EventTopic extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: EventTopicProps) {
    super(scope, id);
    assertProps(this, [
      !/^[\w-]{1,256}$/.test(props.topicName) && `topicName "${props.topicName}" must be 1-256 letters, digits, - or _ (SNS topic names)`,
    ]);
    this.topic = new SnsTopic(this, "topic", {
      name: props.topicName,
      kmsMasterKeyId: props.kmsKeyArn,
      tags: { Name: props.topicName },
    });
  }
}
