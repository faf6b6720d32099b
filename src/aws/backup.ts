/** AWS Backup timing lustreform plans and checks with. */

/** Hours a backup copy may take to reach another site's vault after its backup (lustreform's allowance: AWS Backup starts the copy when the backup completes and states no bound). */
export const COPY_LAG_HOURS = 24;
