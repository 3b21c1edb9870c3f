// Entry of the staff console bundle (dist/console/console.js), loaded by the /console page.
// The console has a page of its own, so no other copy of its elements can be
// defined there first and @customElement needs no guard.
import './sealpost-console';
