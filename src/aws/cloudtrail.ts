/**
 * CloudTrail facts the archive restore depends on.
 *
 * Quotas (CloudTrail User Guide, "Quotas in AWS CloudTrail"; none can be increased):
 * - "Trails per Region: 5";
 * - "Advanced event selectors: 500 conditions across all advanced event selectors. If a trail uses
 *   advanced event selectors, a maximum of 500 total values for all conditions in all advanced
 *   event selectors is allowed." PutEventSelectors answers InvalidEventSelectorsException beyond it
 *   ("Specify up to 500 values for all conditions in all advanced event selectors for a trail").
 * The API sets no other bound on the number of advanced selectors (AdvancedEventSelectors is an
 * unbounded list, each field's operator list at least one value of at most 2048 characters:
 * botocore cloudtrail/2013-11-01 service model), so the values are what runs out.
 */

/** CloudTrail trails per region and account; cannot be raised. */
export const TRAILS_PER_REGION = 5;
/** Values of all conditions of all advanced event selectors of one trail; cannot be raised. */
export const SELECTOR_VALUES_PER_TRAIL = 500;

/** One condition of an advanced event selector (only the operators lustreform uses). */
export interface FieldSelector {
  field: string;
  equals?: string[];
  startsWith?: string[];
}

export interface AdvancedEventSelector {
  name: string;
  fieldSelectors: FieldSelector[];
}

/**
 * The selector of S3 GetObject data events on the objects under `s3://bucket/prefix` (an empty
 * prefix: the whole bucket), as the archive restore's EventBridge rule needs them: data events
 * cost per event, so the selector names exactly these objects.
 */
export function getObjectSelector(partition: string, bucket: string, prefix: string): AdvancedEventSelector {
  return {
    name: `GetObject under s3://${bucket}/${prefix}`,
    fieldSelectors: [
      { field: 'eventCategory', equals: ['Data'] },
      { field: 'resources.type', equals: ['AWS::S3::Object'] },
      { field: 'eventName', equals: ['GetObject'] },
      { field: 'resources.ARN', startsWith: [`arn:${partition}:s3:::${bucket}/${prefix}`] },
    ],
  };
}

/** The values the selectors use, as CloudTrail counts them against SELECTOR_VALUES_PER_TRAIL. */
export const selectorValues = (selectors: readonly AdvancedEventSelector[]): number =>
  selectors.reduce((n, s) => n + s.fieldSelectors.reduce((k, f) => k + (f.equals?.length ?? 0) + (f.startsWith?.length ?? 0), 0), 0);
