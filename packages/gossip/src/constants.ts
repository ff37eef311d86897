/** SWIM membership frames. */
export const SWIM_PROTOCOL = '/meshwork/swim/1.0.0'

/** The membership service's name and component key: `node.service(MEMBERSHIP_SERVICE)`. */
export const MEMBERSHIP_SERVICE = 'membership'
