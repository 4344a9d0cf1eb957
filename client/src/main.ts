// Entry point: global styles and the one app.
import { createApp } from 'vue'

import App from './App.vue'
import './styles.css'

createApp(App).mount('#app')
