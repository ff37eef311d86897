/** SWIM membership frames. */
export const SWIM_PROTOCOL = '/meshwork/swim/1.0.0'
