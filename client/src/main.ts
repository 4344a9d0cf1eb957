// Entry point: global styles and one app. `/ops` is the operator's page, every other path the
// subscriber page: two pages and no navigation between them inside the app, so a look at the
// path is all the routing needed (no router to ship to every subscriber). nginx serves index.html
// at exactly /ops, so the check is exact too.
import { createApp } from 'vue'

import App from './App.vue'
import OpsApp from './OpsApp.vue'
import './styles.css'

const isOpsPage = location.pathname === '/ops'
createApp(isOpsPage ? OpsApp : App).mount('#app')
